import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TSX } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';
import { startSyncHarness } from '../sync/sync-harness.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

/** Every string that would identify a seeded person if it showed up in the clear. */
function personalData(rows: Array<Record<string, unknown>>): string[] {
  const values = new Set<string>();
  for (const row of rows) {
    for (const column of ['emailaddress1', 'mobilephone', 'telephone1']) {
      if (typeof row[column] === 'string') values.add(row[column] as string);
    }
    if (typeof row.firstname === 'string' && typeof row.lastname === 'string')
      values.add(`${row.firstname} ${row.lastname}`);
    if (typeof row.lastname === 'string' && row.lastname.length >= 6) values.add(row.lastname);
  }
  return [...values];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('no plaintext personal data in logs, the database or the queue', () => {
  it('a debug-level sync run leaves no e-mail address, name or phone number in its logs or files', async () => {
    const h = await startSyncHarness({
      contacts: 300,
      faults: { serverError: 0.05, rateLimited: 0.03, retryAfterSeconds: 1 },
    });
    try {
      const config = join(h.t.dataDir, 'run.json');
      writeFileSync(
        config,
        JSON.stringify({
          sync: { pollIntervalSeconds: 1, mailplusOverlapSeconds: 5 },
          status: { enabled: false },
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
      const deadline = Date.now() + 60_000;
      while (h.mailplus.admin.contacts().length < ids.length && Date.now() < deadline) await sleep(250);
      // Records the other side rejects, edits and unsubscribes: the paths where data could leak.
      h.dataverse.admin.updateContact(ids[0]!, { emailaddress1: 'kapot-adres-zonder-apenstaartje' });
      for (const id of ids.slice(1, 20)) h.dataverse.admin.updateContact(id, { jobtitle: 'Projectleider' });
      for (const id of ids.slice(20, 30)) h.mailplus.admin.unsubscribe(id, 1);
      h.mailplus.admin.edit(ids[30]!, { lastName: 'Overlang'.repeat(10) });
      await sleep(5_000);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      assert.match(output, /"event":"sync.round"/, 'the run logged its rounds');
      assert.ok((await h.t.app.queue.listDeadLetters()).length >= 1, 'the bad records were dead-lettered');

      const secrets = [
        ...personalData(h.dataverse.admin.listContacts()),
        'kapot-adres-zonder-apenstaartje',
        'Overlang',
      ];
      const texts: Array<[string, Buffer]> = [['process output', Buffer.from(output)]];
      for (const file of filesUnder(h.t.dataDir)) texts.push([file, readFileSync(file)]);
      assert.ok(
        texts.some(([name]) => name.endsWith('koppel.db')),
        'the database file is checked',
      );
      assert.ok(
        texts.some(([name]) => name.includes('/logs/')),
        'the log files are checked',
      );
      const hits = texts.flatMap(([name, bytes]) =>
        secrets.filter((s) => bytes.includes(s)).map((s) => `${name}: ${s.slice(0, 3)}…`),
      );
      assert.deepEqual(hits, []);
    } finally {
      await h.close();
    }
  });
});
