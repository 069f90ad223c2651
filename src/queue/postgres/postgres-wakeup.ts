import { type Kysely, sql } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Listening, Store } from '../../store/open-store.js';
import type { Database } from '../../store/schema.js';
import type { QueueSignals } from '../queue-signals.js';
import { QueueWakeup } from '../queue-wakeup.js';
import { QUEUE_CHANNEL } from './postgres-claim.js';

/**
 * Enqueues NOTIFY koppel_queue in their transaction; this process LISTENs on one connection of its
 * own, opened at the first wait, and wakes its waiters for any process's enqueue. A lost connection
 * wakes every waiter (they claim once, then wait again, which listens again): nothing waits on a
 * notification that can no longer come. If LISTEN cannot be opened, waits fall back to their timeout.
 */
export function postgresSignals(store: Store, clock: Clock): QueueSignals {
  const access = store.postgres;
  if (!access) throw new Error('PostgreSQL queue signals need a PostgreSQL store');
  const wakeup = new QueueWakeup(clock);
  let listening: Promise<Listening | undefined> | undefined;
  const ready = async () => {
    listening ??= access
      .listen(
        QUEUE_CHANNEL,
        (queue) => wakeup.notify(queue),
        () => {
          listening = undefined;
          wakeup.notifyAll();
        },
      )
      .catch(() => {
        listening = undefined;
        return undefined;
      });
    return (await listening) !== undefined;
  };
  return {
    wakeup,
    ready,
    inTransaction: async (trx: Kysely<Database>, queues: readonly string[]) => {
      for (const queue of new Set(queues))
        await sql`SELECT pg_notify(${QUEUE_CHANNEL}, ${queue})`.execute(trx);
    },
  };
}
