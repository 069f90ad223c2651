import { SqlQueue, type SqlQueueDeps } from '../sql-queue.js';
import { sqliteClaim } from './sqlite-claim.js';

/** The embedded default: one SQLite file in WAL mode with synchronous=FULL and secure_delete. */
export function createSqliteQueue(deps: Omit<SqlQueueDeps, 'claim'>): SqlQueue {
  if (deps.store.dialect !== 'sqlite') throw new Error('createSqliteQueue needs a SQLite store');
  return new SqlQueue({ ...deps, claim: sqliteClaim });
}
