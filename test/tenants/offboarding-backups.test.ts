import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, runCliInProcess } from '../helpers/cli.js';

const BASE_URL = 'https://acme-synthetic.example.org/api/data/v9.2/';

/** A store with two tenants that have settings, on a key file, and a copy of it: a backup. */
async function storeWithBackup() {
  const root = mkdtempSync(join(tmpdir(), 'koppel-backup-'));
  const dataDir = join(root, 'data');
  const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '', KOPPEL_STORE_URL: '' };
  for (const [id, name] of [
    ['acme', 'Acme BV'],
    ['other', 'Other BV'],
  ]) {
    assert.equal((await runCliInProcess(['tenant', 'add', id!, '--name', name!], env)).code, 0);
    const set = await runCliInProcess(['tenant', 'set', id!, `dataverse.baseUrl=${BASE_URL}`], env);
    assert.equal(set.code, 0, set.stderr);
  }
  const backup = join(root, 'backup');
  mkdirSync(backup);
  for (const f of readdirSync(dataDir).filter((f) => f.startsWith('koppel.db')))
    copyFileSync(join(dataDir, f), join(backup, f));
  return { root, dataDir, env, backup };
}

/** The backup, restored beside the key files the operator has now. */
function restore(root: string, dataDir: string, backup: string) {
  const dir = join(root, `restored-${readdirSync(root).length}`);
  mkdirSync(dir, { mode: 0o700 });
  for (const f of readdirSync(backup)) copyFileSync(join(backup, f), join(dir, f));
  for (const f of readdirSync(dataDir).filter((f) => f.startsWith('master.key')))
    copyFileSync(join(dataDir, f), join(dir, f));
  return { KOPPEL_DATA_DIR: dir, KOPPEL_MASTER_KEY: '', KOPPEL_STORE_URL: '' };
}

function certificateOf(dataDir: string) {
  const dir = join(dataDir, 'certificates');
  const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

describe('deletion certificate and backups', () => {
  it('without rotation: a backup stays readable, and the certificate says so and until when', async () => {
    const { root, dataDir, env, backup } = await storeWithBackup();
    try {
      // Spawned: one termination through bin.ts, as an operator runs it.
      const done = await runCli(['tenant', 'terminate', 'acme', '--yes'], env);
      assert.equal(done.code, 0, done.stderr);
      const shown = await runCliInProcess(['tenant', 'show', 'acme'], restore(root, dataDir, backup));
      assert.match(shown.stdout, /acme-synthetic\.example\.org/, 'the backup still shows the settings');
      const { backups, terminatedAt } = certificateOf(dataDir);
      assert.equal(backups.retentionDays, 30);
      assert.equal(backups.readableUntil, new Date(Date.parse(terminatedAt) + 30 * 86_400_000).toISOString());
      assert.equal(backups.readableWith.length, 1);
      assert.equal(backups.withinOneMonth, true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('with --rotate-master-key: a backup made before cannot be read, the other tenant keeps working', async () => {
    const { root, dataDir, env, backup } = await storeWithBackup();
    try {
      const done = await runCliInProcess(
        ['tenant', 'terminate', 'acme', '--yes', '--rotate-master-key'],
        env,
      );
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /destroyed master key\(s\): /);
      assert.deepEqual(
        readdirSync(dataDir).filter((f) => f.includes('retired')),
        [],
        'no old key file is left',
      );
      const shown = await runCliInProcess(['tenant', 'show', 'acme'], restore(root, dataDir, backup));
      assert.doesNotMatch(shown.stdout, /acme-synthetic/);
      assert.notEqual(shown.code, 0);
      const other = await runCliInProcess(['tenant', 'show', 'other'], env);
      assert.match(
        other.stdout,
        /acme-synthetic\.example\.org/,
        "the live store reads the other tenant's settings",
      );
      const { backups } = certificateOf(dataDir);
      assert.equal(backups.readableUntil, null);
      assert.equal(backups.readableWith.length, 0);
      assert.equal(backups.destroyedMasterKeys.length, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
