import { deliverToDataverse } from './dataverse-deliverer.js';
import { pollDataverse } from './dataverse-poller.js';
import { deliverToMailplus } from './mailplus-deliverer.js';
import { fixFeedStart, pollMailplus } from './mailplus-poller.js';
import { Signal } from './signal.js';
import type { SyncContext } from './sync-context.js';

export interface RoundResult {
  dataverseRead: number;
  mailplusRead: number;
  deliveredToMailplus: number;
  deliveredToDataverse: number;
}

/** Mail+ bulk calls kept in flight; the queue still hands out one message per contact at a time. */
const MAILPLUS_IN_FLIGHT = 2;
/** Messages of a first load that may wait for Mail+ before the next Dataverse page is read. */
const MAX_BACKLOG = 20_000;
const BACKLOG_WAIT_MS = 60_000;

/**
 * One round of a tenant's two-way sync: read both change feeds, then deliver what is ready. Live, both
 * feeds are read before delivering, so a field changed on both sides is seen as a conflict and settled
 * by its owner instead of by timing. During the initial load nothing in Mail+ can conflict yet (what
 * existed there was read first), so delivery starts while Dataverse's pages are still being read.
 */
export async function syncRound(
  ctx: SyncContext,
  options: { mailplusFrom: number; maxBatches?: number; maxBacklog?: number },
): Promise<RoundResult> {
  await fixFeedStart(ctx, options.mailplusFrom);
  const initial = (await ctx.checkpoints.get(ctx.tenantId, 'dataverse-initial')) !== 'done';
  const counts = { toMailplus: 0, toDataverse: 0 };
  const load: Load = {
    reading: true,
    delivering: initial,
    deliverIdle: false,
    read: new Signal(),
    delivered: new Signal(),
  };
  // During a first load Dataverse is read faster than Mail+ takes writes: the reader waits while
  // more than MAX_BACKLOG of its messages are undelivered, so personal data spend seconds in the
  // queue, not the whole load. It goes on when the deliverer has nothing it can take (Mail+ down,
  // messages waiting for their backoff), and after BACKLOG_WAIT_MS at most.
  const enqueuedBefore = ctx.stats.enqueuedToMailplus;
  const removalsBefore = ctx.stats.removalsEnqueued;
  const backlog = () => ctx.stats.enqueuedToMailplus - enqueuedBefore - counts.toMailplus;
  const onEnqueued = () => {
    // New messages: whether the deliverer can take them is for its next pass to tell.
    load.deliverIdle = false;
    load.read.notify();
  };
  const beforeNextPage = () => waitForBacklog(ctx, load, backlog, options.maxBacklog ?? MAX_BACKLOG);
  const read = (async () => {
    try {
      return await pollDataverse(ctx, initial ? { beforeNextPage, onEnqueued } : {});
    } finally {
      load.reading = false;
      load.read.notify();
    }
  })();
  const delivery = initial
    ? deliver(ctx, counts, load).finally(() => {
        load.delivering = false;
        load.delivered.notify();
      })
    : null;
  // Both settle before the round ends or fails: a read left running would race the next round's.
  const dv = await afterBoth(read, delivery);
  // Before anything of this round is delivered (live rounds read first): a burst pauses removals.
  await ctx.removals.afterRead(ctx.tenantId, ctx.stats.removalsEnqueued - removalsBefore);
  ctx.stats.peakBacklog = Math.max(ctx.stats.peakBacklog, backlog());
  const mp = await pollMailplus(ctx, options.mailplusFrom);
  await deliver(ctx, counts, null, options.maxBatches);
  return {
    dataverseRead: dv.read,
    mailplusRead: mp.read,
    deliveredToMailplus: counts.toMailplus,
    deliveredToDataverse: counts.toDataverse,
  };
}

/** The two halves of a first load, and what each tells the other. */
interface Load {
  reading: boolean;
  delivering: boolean;
  /** The deliverer's last pass found nothing it could take (all delivered, or waiting for a backoff). */
  deliverIdle: boolean;
  /** A slice of a page was enqueued, or the read ended. */
  read: Signal;
  /** A batch was delivered, the deliverer found nothing to take, or it ended. */
  delivered: Signal;
}

async function waitForBacklog(ctx: SyncContext, load: Load, backlog: () => number, max: number) {
  ctx.stats.peakBacklog = Math.max(ctx.stats.peakBacklog, backlog());
  if (!load.delivering || backlog() <= max) return;
  const timeout = new AbortController();
  const gaveUp = ctx.clock.sleep(BACKLOG_WAIT_MS, timeout.signal).then(
    () => true,
    () => false,
  );
  try {
    while (load.delivering && backlog() > max && !load.deliverIdle) {
      const woke = await Promise.race([load.delivered.wait(load.delivered.count), gaveUp]);
      if (woke === true) return;
    }
  } finally {
    timeout.abort();
  }
}

/** `main`'s value once both have settled; the first failure if either failed. */
async function afterBoth<T>(main: Promise<T>, other: Promise<unknown> | null): Promise<T> {
  const [a, b] = await Promise.allSettled([main, other]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return a.value;
}

/**
 * Delivers until both queues are empty and, during a first load (`load`), the read has ended: while
 * it runs, an empty queue waits for its next page.
 */
async function deliver(
  ctx: SyncContext,
  counts: { toMailplus: number; toDataverse: number },
  load: Load | null,
  maxBatches = 1_000,
): Promise<void> {
  let dataverseEmpty = false;
  for (let batches = 0; batches < maxBatches; ) {
    const seen = load?.read.count ?? 0;
    const handled = await Promise.all(
      Array.from({ length: MAILPLUS_IN_FLIGHT }, () => deliverToMailplus(ctx)),
    );
    const toMailplus = handled.reduce((a, b) => a + b, 0);
    // Only the Mail+ poller adds to the Dataverse queue, and it does not run during this loop: once
    // empty, it stays empty, so it is not asked again (a claim is a write transaction).
    const toDataverse: number = dataverseEmpty ? 0 : await deliverToDataverse(ctx);
    if (toDataverse === 0) dataverseEmpty = true;
    counts.toMailplus += toMailplus;
    counts.toDataverse += toDataverse;
    if (load) {
      load.deliverIdle = toMailplus + toDataverse === 0;
      load.delivered.notify();
    }
    if (toMailplus + toDataverse > 0) {
      batches++;
      continue;
    }
    if (!load?.reading) return;
    await load.read.wait(seen);
  }
}
