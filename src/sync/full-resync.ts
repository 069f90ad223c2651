import type { SyncContext } from './sync-context.js';

/**
 * A full resync (after an expired change-tracking token) has no delete entries to read: a contact
 * deleted while the token was expired is simply absent. So each resync has a generation, stamps every
 * contact it reads with it, and afterwards removes the contacts in Mail+ without the stamp. The
 * generation is stored before the read starts, so a resync resumed after a crash keeps its stamps.
 */

/** The generation of the full resync under way, or null. */
export async function resyncUnderWay(ctx: SyncContext): Promise<number | null> {
  const position = await ctx.checkpoints.get(ctx.tenantId, 'dataverse-resync');
  return position === null ? null : Number(position);
}

/** Always a new generation: stamps of an earlier, unfinished read must not pass for this one's. */
export async function startResync(ctx: SyncContext): Promise<number> {
  const generation = await ctx.states.nextResyncGeneration(ctx.tenantId);
  await ctx.checkpoints.set(ctx.tenantId, 'dataverse-resync', String(generation));
  return generation;
}

/** Contacts removed per step: the ids of a million contacts are never in memory at once. */
const PAGE = 1000;

/**
 * Call once the resync's last page (the one with the delta link) is enqueued and stamped: removes
 * every contact in Mail+ the resync did not read, through `remove` (as a live delete is removed).
 * The generation is cleared only at the end; a crash before that repeats the removals, not the read.
 */
export async function finishResync(
  ctx: SyncContext,
  generation: number,
  remove: (ids: string[]) => Promise<number>,
): Promise<number> {
  let enqueued = 0;
  let unseen = 0;
  for (let after: string | null = null; ; ) {
    const ids = await ctx.states.resyncUnseen(ctx.tenantId, generation, after, PAGE);
    if (ids.length === 0) break;
    unseen += ids.length;
    enqueued += await remove(ids);
    after = ids.at(-1)!;
  }
  await ctx.checkpoints.clear(ctx.tenantId, 'dataverse-resync');
  ctx.log.info(
    { tenant: ctx.tenantId, event: 'sync.resync-done', generation, deleted: unseen },
    'full resync done; contacts deleted in Dataverse meanwhile are removed from Mail+',
  );
  return enqueued;
}
