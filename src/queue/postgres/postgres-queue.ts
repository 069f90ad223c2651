import { SqlQueue, type SqlQueueDeps } from '../sql-queue.js';
import { postgresBackend } from './postgres-claim.js';
import { postgresSignals } from './postgres-wakeup.js';

/** For many workers on many machines: claims use FOR UPDATE SKIP LOCKED. */
export function createPostgresQueue(deps: Omit<SqlQueueDeps, 'backend' | 'signals'>): SqlQueue {
  if (deps.store.dialect !== 'postgres') throw new Error('createPostgresQueue needs a PostgreSQL store');
  return new SqlQueue({
    ...deps,
    backend: postgresBackend(deps.store),
    signals: postgresSignals(deps.store, deps.clock),
  });
}
