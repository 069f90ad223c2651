import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';
import { QueueWakeup } from './queue-wakeup.js';

/** How a queue backend tells idle deliverers that something was enqueued. */
export interface QueueSignals {
  wakeup: QueueWakeup;
  /** Makes sure notifications are received before a mark is taken; false when they cannot be. */
  ready(): Promise<boolean>;
  /** Sent inside the enqueue's transaction (PostgreSQL NOTIFY), so only committed work wakes anyone. */
  inTransaction?(trx: Kysely<Database>, queues: readonly string[]): Promise<void>;
  /** Called in this process once an enqueue committed (SQLite: one process, no NOTIFY needed). */
  afterCommit?(queues: readonly string[]): void;
}

/** SQLite: koppel on SQLite is one process, so waking its own waiters after each commit is enough. */
export function inProcessSignals(clock: Clock): QueueSignals {
  const wakeup = new QueueWakeup(clock);
  return {
    wakeup,
    ready: async () => true,
    afterCommit: (queues) => {
      for (const queue of new Set(queues)) wakeup.notify(queue);
    },
  };
}
