import { dispositionOf, type KoppelError, RateLimitedError } from '../errors.js';
import type { ClaimedMessage, Queue } from '../queue/queue.js';
import type { SyncStats } from './sync-stats.js';

/** What a deliverer decided for one message. */
export type Outcome = { ok: true } | { ok: false; error: KoppelError | Error };

/**
 * Settles each message by its own outcome: success completes (deleting the payload), a permanent
 * error dead-letters with the reason, a rate limit waits for Retry-After without using up an attempt,
 * anything else backs off.
 */
export async function settle(
  queue: Queue,
  stats: SyncStats,
  messages: ClaimedMessage[],
  outcomes: Outcome[],
  now: number,
): Promise<void> {
  const done = messages.filter((_, i) => outcomes[i]!.ok);
  if (done.length > 0) await queue.complete(done);
  for (let i = 0; i < messages.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.ok) continue;
    const message = messages[i]!;
    const error = outcome.error;
    const disposition = dispositionOf(error);
    if (disposition === 'permanent') {
      stats.deadLettered++;
      await queue.deadLetter([message], 'rejected', error.message);
    } else if (error instanceof RateLimitedError) {
      stats.retried++;
      await queue.abandon([message], {
        notBefore: now + error.retryAfterMs,
        countDelivery: false,
        error: error.message,
      });
    } else {
      stats.retried++;
      await queue.abandon([message], { error: error.message });
    }
  }
}
