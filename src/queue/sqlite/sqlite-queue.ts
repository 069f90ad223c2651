import { inProcessSignals } from '../queue-signals.js';
import { SqlQueue, type SqlQueueDeps } from '../sql-queue.js';
import { sqliteBackend } from './sqlite-claim.js';

/** The embedded default: one SQLite file in WAL mode with synchronous=FULL and secure_delete. */
export function createSqliteQueue(deps: Omit<SqlQueueDeps, 'backend' | 'signals'>): SqlQueue {
  const { sqlite } = deps.store;
  if (deps.store.dialect !== 'sqlite' || !sqlite) throw new Error('createSqliteQueue needs a SQLite store');
  return new SqlQueue({ ...deps, backend: sqliteBackend(sqlite), signals: inProcessSignals(deps.clock) });
}
