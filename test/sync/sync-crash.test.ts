import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// Wall time on purpose: `koppel run` child processes are SIGKILLed at random moments of real time.
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../src/clock.js';
import { TSX } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import { permission, startSyncHarness } from './sync-harness.js';

const CONTACTS = 20_000;
const KILLS = 10;
const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

function startWorker(configFile: string, dataDir: string, storeUrl: string): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, BIN, 'run', '--config', configFile], {
    env: {
      ...process.env,
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_STORE_URL: storeUrl,
      KOPPEL_LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('sync crash consistency', () => {
  it(`reaches the expected end state when the worker is killed with SIGKILL ${KILLS} times during a ${CONTACTS}-contact two-way sync`, async () => {
    const h = await startSyncHarness({ contacts: CONTACTS });
    const random = seededRandom(99);
    try {
      const configFile = join(h.t.dataDir, 'worker.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          sync: { pollIntervalSeconds: 1, mailplusOverlapSeconds: 5 },
          status: { enabled: false },
          // No admin server: its fixed port 8443 would be contended by parallel runs and other tests.
          server: { enabled: false },
        }),
      );
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      const edited = ids.slice(0, 300);
      const candidates = ids.slice(300, 400);
      const moved = ids.slice(400, 500);
      const unsubscribed: string[] = [];
      const created: string[] = [];
      const cities = new Map<string, string>();
      let killedDuringLoad = 0;
      for (let kill_ = 0; kill_ < KILLS; kill_++) {
        const worker = startWorker(configFile, h.t.dataDir, h.t.storeUrl);
        // Kill only once the worker is at work (it has called an API), at a random moment after that.
        const calls = () => h.dataverse.admin.requestCounts().total + h.mailplus.admin.requestCounts().total;
        const before = calls();
        const deadline = Date.now() + 60_000;
        while (calls() < before + 3 && Date.now() < deadline) await sleep(20);
        await sleep(Math.floor(random.float() * 1_500));
        // Edits on both sides while the sync runs, each applied while some worker may be mid-batch.
        for (const id of edited.slice(kill_ * 30, kill_ * 30 + 30)) {
          h.dataverse.admin.updateContact(id, { jobtitle: `Functie ${kill_}` });
        }
        for (const id of candidates.slice(kill_ * 10, kill_ * 10 + 10)) {
          if (!h.mailplus.admin.contact(id)) continue;
          h.mailplus.admin.unsubscribe(id, 1);
          unsubscribed.push(id);
        }
        // A field people edit in Mail+ (city flows to Dataverse), and new people in the CRM.
        for (const id of moved.slice(kill_ * 10, kill_ * 10 + 10)) {
          if (!h.mailplus.admin.contact(id)) continue;
          h.mailplus.admin.edit(id, { city: `Stad ${kill_}` });
          cities.set(id, `Stad ${kill_}`);
        }
        created.push(
          h.dataverse.admin.createContact({
            firstname: 'Nieuw',
            lastname: `Contact ${kill_}`,
            emailaddress1: `nieuw.${kill_}@example.org`,
            donotbulkemail: false,
          }),
        );
        if ((await h.ctx.checkpoints.get(h.ctx.tenantId, 'dataverse-initial')) !== 'done') killedDuringLoad++;
        await kill(worker);
      }
      assert.ok(killedDuringLoad > 0, 'at least one kill landed during the initial load');
      assert.ok(h.mailplus.admin.contacts().length > 0, 'the killed workers made progress between kills');
      assert.ok(unsubscribed.length > 0, 'people unsubscribed while workers were being killed');
      // A last worker, never killed, brings the two sides together.
      await h.settle(600);

      const mailplus = h.mailplus.admin.contacts();
      const all = [...ids, ...created];
      assert.equal(mailplus.length, all.length, 'every contact is in Mail+ exactly once (no duplicates)');
      assert.deepEqual(new Set(mailplus.map((c) => c.externalId)), new Set(all));
      assert.ok(cities.size > 0, 'Mail+ edits were made while workers were being killed');
      for (const [id, city] of cities) {
        assert.equal(h.dataverse.admin.getContact(id)!.address1_city, city, `Mail+ edit of ${id} arrived`);
        assert.equal(h.mailplus.admin.contact(id)!.properties!.city, city, `Mail+ edit of ${id} kept`);
      }
      for (const [i, id] of edited.entries()) {
        assert.equal(
          h.mailplus.admin.contact(id)!.properties!.jobTitle,
          `Functie ${Math.floor(i / 30)}`,
          `edit of ${id} arrived`,
        );
      }
      const newsletter = (id: string) => permission(h, id, 1);
      for (const id of unsubscribed) {
        assert.equal(newsletter(id), false, `${id} unsubscribed in Mail+ and was not re-subscribed`);
        assert.equal(
          h.dataverse.admin.getContact(id)!.donotbulkemail,
          true,
          `${id}'s unsubscribe reached Dataverse`,
        );
      }
      // Every contact ends the same on both sides: nothing lost, nothing overwritten by a stale value.
      for (const id of all) {
        const row = h.dataverse.admin.getContact(id)!;
        const properties = h.mailplus.admin.contact(id)!.properties!;
        assert.equal(properties.firstName, row.firstname, `first name of ${id}`);
        assert.equal(properties.jobTitle ?? null, row.jobtitle ?? null, `job title of ${id}`);
        assert.equal(newsletter(id), row.donotbulkemail !== true, `newsletter permission of ${id}`);
      }
      assert.deepEqual(await h.t.app.queue.listDeadLetters(), []);
    } finally {
      await h.close();
    }
  });
});
