import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, runCliInProcess } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';

interface JsonFinding {
  id: string;
  status: string;
  summary: string;
  explanation?: string;
  fix?: string;
}

const finding = (stdout: string, id: string): JsonFinding | undefined =>
  (JSON.parse(stdout).findings as JsonFinding[]).find((f) => f.id === id);

describe('koppel doctor (CLI)', () => {
  it('passes on a fresh install, fails with an explanation when a file is 0644, and passes again once fixed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-doc-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '' };
    try {
      assert.equal((await runCliInProcess(['start', '--once'], env)).code, 0);
      const healthy = await runCliInProcess(['doctor'], env);
      assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
      assert.match(healthy.stdout, /^koppel doctor: 0 failed/);

      const key = join(dataDir, 'master.key');
      const db = join(dataDir, 'koppel.db');
      chmodSync(key, 0o644);
      chmodSync(db, 0o644);
      chmodSync(dataDir, 0o755);
      // Spawned: a failed check must make the process exit 1, for a monitoring job.
      const broken = await runCli(['doctor'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stdout, /^koppel doctor: 3 failed/);
      assert.match(broken.stdout, new RegExp(`FAIL {2}key-file-permissions: .*${key} has mode 0644`));
      assert.match(broken.stdout, /why: whoever can read the master key can decrypt every stored tenant key/);
      assert.match(broken.stdout, new RegExp(`fix: chmod 600 ${key}`));
      assert.match(broken.stdout, new RegExp(`FAIL {2}database-file-permissions: .*${db} has mode 0644`));
      assert.match(broken.stdout, new RegExp(`fix: chmod 700 ${dataDir}`));
      assert.match(broken.stderr, /3 check\(s\) failed/);

      chmodSync(key, 0o600);
      chmodSync(db, 0o600);
      chmodSync(dataDir, 0o700);
      const fixed = await runCliInProcess(['doctor', '--json'], env);
      assert.equal(fixed.code, 0, fixed.stdout);
      const report = JSON.parse(fixed.stdout);
      assert.equal(report.ok, true);
      assert.equal(finding(fixed.stdout, 'key-file-permissions')?.status, 'pass');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fails on a well-known master key, and on retention that has not run when koppel should be running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-doc-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    try {
      assert.equal((await runCliInProcess(['migrate'], env)).code, 0);
      const run = await runCliInProcess(['doctor', '--json', '--expect-running'], env);
      assert.equal(run.code, 1);
      assert.equal(finding(run.stdout, 'master-key-strength')?.status, 'fail');
      const retention = finding(run.stdout, 'retention-ran');
      assert.equal(retention?.status, 'fail');
      assert.match(retention!.summary, /has never run, but a koppel is expected to be running/);
      assert.match(retention!.fix!, /koppel start/);

      const strong = { ...env, KOPPEL_MASTER_KEY: randomBytes(32).toString('base64') };
      assert.equal((await runCliInProcess(['retention', 'run'], strong)).code, 0);
      const after = await runCliInProcess(['doctor', '--json', '--expect-running'], strong);
      assert.equal(finding(after.stdout, 'retention-ran')?.status, 'pass');
      assert.equal(finding(after.stdout, 'master-key-strength')?.status, 'pass');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains a missing store instead of creating one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-doc-'));
    const run = await runCliInProcess(['doctor'], { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '' });
    assert.equal(run.code, 1, 'no key file is a failure');
    assert.match(
      run.stdout,
      /FAIL {2}master-key: the master key cannot be loaded: .*master\.key does not exist/,
    );
    assert.match(run.stdout, /WARN {2}store: there is no database at .* koppel has not been started/);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
