import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/clock.js';
import { TSX } from '../helpers/cli.js';
import { findPersonalData, personalDataOf } from '../helpers/pii-scan.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import { startSyncHarness } from '../sync/sync-harness.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

describe('no plaintext personal data in logs, the database or the queue', () => {
  it('a debug-level sync run leaves no e-mail address, name or phone number in its logs or files', async () => {
    const h = await startSyncHarness({
      contacts: 300,
      faults: { serverError: 0.05, rateLimited: 0.03, retryAfterSeconds: 1 },
      // A real `koppel run` process syncs here, on the wall clock: the emulators keep the same time.
      dataverseOptions: { clock: systemClock },
      mailplusOptions: { clock: systemClock },
    });
    try {
      const config = join(h.t.dataDir, 'run.json');
      writeFileSync(
        config,
        JSON.stringify({
          sync: { pollIntervalSeconds: 1, mailplusOverlapSeconds: 5 },
          status: { enabled: false },
          // Port 0: the admin server runs too (its log lines are scanned), without contending for 8443.
          server: { port: 0 },
        }),
      );
      const child = spawn(process.execPath, ['--import', TSX, BIN, 'run', '--config', config], {
        env: {
          ...process.env,
          KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
          KOPPEL_DATA_DIR: h.t.dataDir,
          KOPPEL_STORE_URL: h.t.storeUrl,
          KOPPEL_LOG_LEVEL: 'debug',
        },
      });
      let output = '';
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
      });
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      // Wall time on purpose: the test waits for another process, which runs on the real clock.
      const until = async (done: () => boolean | Promise<boolean>) => {
        const deadline = Date.now() + 60_000;
        while (!(await done()) && Date.now() < deadline) await sleep(100);
      };
      await until(() => h.mailplus.admin.contacts().length >= ids.length);
      // Records the other side rejects, edits and unsubscribes: the paths where data could leak.
      h.dataverse.admin.updateContact(ids[0]!, { emailaddress1: 'kapot-adres-zonder-apenstaartje' });
      for (const id of ids.slice(1, 20)) h.dataverse.admin.updateContact(id, { jobtitle: 'Projectleider' });
      for (const id of ids.slice(20, 30)) h.mailplus.admin.unsubscribe(id, 1);
      h.mailplus.admin.edit(ids[30]!, { lastName: 'Overlang'.repeat(10) });
      await until(
        async () =>
          ids.slice(20, 30).every((id) => h.dataverse.admin.getContact(id)!.donotbulkemail === true) &&
          (await h.t.app.queue.listDeadLetters()).length >= 1,
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      assert.match(output, /"event":"sync.round"/, 'the run logged its rounds');
      assert.ok((await h.t.app.queue.listDeadLetters()).length >= 1, 'the bad records were dead-lettered');

      const secrets = [
        ...personalDataOf(h.dataverse.admin.listContacts()),
        'kapot-adres-zonder-apenstaartje',
        'Overlang',
      ];
      const files = readdirSync(h.t.dataDir, { recursive: true }).map(String);
      assert.ok(
        files.some((name) => name.endsWith('koppel.db')),
        'the database file is checked',
      );
      assert.ok(
        files.some((name) => name.startsWith('logs/')),
        'the log files are checked',
      );
      assert.deepEqual(findPersonalData(h.t.dataDir, secrets, { 'process output': output }), []);
    } finally {
      await h.close();
    }
  });
});

describe('the personal-data check every end-to-end test ends with', () => {
  it('fails when a log line carries an e-mail address (so a clean run means something)', async () => {
    const h = await startSyncHarness({ contacts: 2 });
    const [row] = h.dataverse.admin.listContacts();
    h.ctx.log.info({ note: String(row!.emailaddress1) }, 'a careless log line');
    await assert.rejects(h.close(), /personal data in the clear: engine log: /);
  });
});
