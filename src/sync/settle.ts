import { dispositionOf, type KoppelError, RateLimitedError } from '../errors.js';
import type { ClaimedMessage } from '../queue/queue.js';
import type { SyncContext } from './sync-context.js';

/** What a deliverer decided for one message. */
export type Outcome = { ok: true } | { ok: false; error: KoppelError | Error };

/**
 * Settles each message by its own outcome: success completes (deleting the payload), a permanent
 * error dead-letters with the reason, a rate limit waits for Retry-After without using up an attempt,
 * anything else backs off.
 */
export async function settle(
  ctx: SyncContext,
  messages: ClaimedMessage[],
  outcomes: Outcome[],
): Promise<void> {
  const { queue, stats, log } = ctx;
  const now = ctx.clock.now();
  const done = messages.filter((_, i) => outcomes[i]!.ok);
  if (done.length > 0) await queue.complete(done);
  log.debug(
    {
      event: 'sync.settled',
      tenant: ctx.tenantId,
      queue: messages[0]?.queue,
      done: done.length,
      failed: messages.length - done.length,
    },
    'batch settled',
  );
  for (let i = 0; i < messages.length; i++) {
    const outcome = outcomes[i]!;
    if (outcome.ok) continue;
    const message = messages[i]!;
    const error = outcome.error;
    const disposition = dispositionOf(error);
    // Ids, the error class and its message only: koppel's errors name fields, never values.
    log.warn(
      {
        event: 'sync.delivery-failed',
        tenant: ctx.tenantId,
        contactId: message.key,
        disposition,
        error: error.name,
        reason: error.message,
      },
      'delivery failed',
    );
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
