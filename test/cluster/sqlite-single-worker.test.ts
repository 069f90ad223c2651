import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, TSX } from '../helpers/cli.js';
import { TEST_MASTER_KEY } from '../helpers/stores.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');

describe('SQLite stays single-process', () => {
  it('refuses a second koppel worker on the same file, naming it; koppel status shows the first', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-single-'));
    const env = {
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      KOPPEL_DATA_DIR: dataDir,
      KOPPEL_LOG_LEVEL: 'silent',
    };
    // The admin server off: its fixed port would be contended by other tests.
    const child = spawn(process.execPath, ['--import', TSX, BIN, 'worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('koppel worker is running')) resolve();
        });
        child.once('close', () => reject(new Error(`the first worker ended early:\n${out}`)));
      });
      const db = join(dataDir, 'koppel.db');
      assert.ok(existsSync(`${db}.worker.lock`));
      const second = await runCli(['worker', '--once'], env);
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(`already syncs the SQLite store ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
      assert.match(second.stderr, /SQLite allows one worker process: stop that one first, or use PostgreSQL/);
      const status = await runCli(['status', '--json'], env);
      assert.equal(status.code, 0, status.stderr);
      const cluster = JSON.parse(status.stdout);
      assert.equal(cluster.workers.length, 1);
      assert.equal(cluster.workers[0].live, true);
      assert.match(cluster.workers[0].workerId, new RegExp(`/${child.pid}/`));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(out, /koppel worker stopped/);
      assert.equal(existsSync(`${db}.worker.lock`), false, 'the lock is gone with the worker');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
