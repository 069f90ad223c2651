import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lockSqliteWorker, SqliteWorkerLockedError } from '../../src/cluster/sqlite-worker-lock.js';

describe('the SQLite worker lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koppel-lock-'));
  const db = join(dir, 'koppel.db');

  it('refuses a second worker on the same file while the first runs, naming the file and what to do', () => {
    const first = lockSqliteWorker(db, 111, () => true);
    try {
      assert.throws(
        () => lockSqliteWorker(db, 222, () => true),
        (error: Error) =>
          error instanceof SqliteWorkerLockedError &&
          error.message.includes(db) &&
          error.message.includes('pid 111') &&
          /PostgreSQL/.test(error.message),
      );
    } finally {
      first.release();
    }
    assert.equal(existsSync(first.file), false, 'released: the file is gone');
    lockSqliteWorker(db, 222, () => true).release();
  });

  it('takes over the lock of a process that is gone (SIGKILL)', () => {
    lockSqliteWorker(db, 333, () => true);
    const next = lockSqliteWorker(db, 444, (pid) => pid !== 333);
    assert.ok(existsSync(next.file));
    next.release();
    rmSync(dir, { recursive: true, force: true });
  });
});
