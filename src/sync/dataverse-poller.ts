import type { EnqueueItem } from '../queue/queue.js';
import { detectChanges, fieldChanges, rememberSent } from './change-detection.js';
import type { ContactState } from './contact-state.js';
import { finishResync, resyncUnderWay, startResync } from './full-resync.js';
import { dropMailplusIndex, indexMailplusOnce, matchPage, type PageMatch } from './initial-match.js';
import { listMembers, reconcileListScope } from './list-scope.js';
import { type CrmChangePage, CrmFeedExpiredError, type CrmRecord } from './ports/index.js';
import { rejectedOr } from './rejected.js';
import type { SyncContext } from './sync-context.js';
import { type MailplusMessage, QUEUE_TO_MAILPLUS, type RemovalReason } from './sync-mapper.js';

export interface PollResult {
  read: number;
  enqueued: number;
  /** True when a full resync (after an expired delta link) finished in this poll. */
  resynced: boolean;
}

/** What one read of the feed needs besides the context. */
interface FeedRead {
  /** The tenant's first load: existing Mail+ contacts are matched before anything is written. */
  initial: boolean;
  members: ReadonlySet<string> | undefined;
  /** The generation of the full resync under way, whose pages stamp what they read; or null. */
  resync: number | null;
  beforeNextPage?: () => Promise<void>;
  /** Called after each slice of a page is durably enqueued: there is work for the deliverer. */
  onEnqueued?: () => void;
}

/**
 * Reads the Dataverse change feed from the stored delta link and enqueues one message per changed
 * contact for Mail+. The delta link is stored only after every page before it is durably enqueued, so
 * a crash re-reads (and the hashes drop what was already enqueued) instead of losing changes.
 */
export async function pollDataverse(
  ctx: SyncContext,
  options: Pick<FeedRead, 'beforeNextPage' | 'onEnqueued'> = {},
): Promise<PollResult> {
  const result: PollResult = { read: 0, enqueued: 0, resynced: false };
  const initial = (await ctx.checkpoints.get(ctx.tenantId, 'dataverse-initial')) !== 'done';
  if (initial) await indexMailplusOnce(ctx);
  const feed: FeedRead = {
    initial,
    members: await listMembers(ctx),
    resync: await resyncUnderWay(ctx),
    beforeNextPage: options.beforeNextPage,
    onEnqueued: options.onEnqueued,
  };
  if (feed.resync !== null) {
    ctx.log.info(
      { tenant: ctx.tenantId, event: 'sync.resync-resumed', generation: feed.resync },
      'resuming an unfinished full resync',
    );
  }
  ctx.stats.loading = initial ? 'initial-load' : feed.resync !== null ? 'full-resync' : null;
  try {
    await readWithResync(ctx, feed, result);
  } finally {
    ctx.stats.loading = null;
  }
  if (feed.resync !== null) {
    result.enqueued += await finishResync(ctx, feed.resync, (ids) =>
      enqueuePage(ctx, [], { ids, reason: 'deleted' }, {}),
    );
    result.resynced = true;
  }
  if (feed.members) {
    const members = feed.members;
    result.enqueued += await reconcileListScope(
      ctx,
      members,
      (rows) => enqueuePage(ctx, rows, NO_REMOVALS, { members }),
      (ids) => enqueuePage(ctx, [], { ids, reason: 'deactivated' }, {}),
    );
  }
  return result;
}

/** Reads from the stored position; an expired delta link starts a full resync instead. */
async function readWithResync(ctx: SyncContext, feed: FeedRead, result: PollResult): Promise<void> {
  const checkpoint = await ctx.checkpoints.get(ctx.tenantId, 'dataverse');
  try {
    await readFeed(ctx, checkpoint, feed, result);
  } catch (error) {
    if (!(error instanceof CrmFeedExpiredError) || checkpoint === null) throw error;
    // Read everything again: unchanged contacts hash equal and are dropped; contacts the read does not
    // return were deleted meanwhile and are removed once it is done.
    feed.resync = await startResync(ctx);
    ctx.stats.loading = 'full-resync';
    ctx.log.warn(
      { tenant: ctx.tenantId, event: 'sync.resync', generation: feed.resync },
      'Dataverse change token expired; full resync',
    );
    await readFeed(ctx, null, feed, result);
  }
}

async function readFeed(
  ctx: SyncContext,
  position: string | null,
  feed: FeedRead,
  result: PollResult,
): Promise<void> {
  const source = ctx.dataverse.changes({
    ...ctx.mapper.crmRead,
    from: position,
    // Dataverse's largest page: the fewest calls for an initial load.
    pageSize: 5000,
  });
  for await (const page of source) {
    result.read += page.upserts.length + page.deletes.length;
    // Counted per page, not per poll: during a long load it is the progress figure.
    ctx.stats.dataverseRead += page.upserts.length + page.deletes.length;
    result.enqueued += await enqueueChangePage(ctx, page, feed);
    // Every row of the page is enqueued: remember where to continue (the next page, or the next
    // round's delta link), so a crash in the middle of an initial load resumes instead of restarting.
    const next = page.nextRound ?? page.resumeAt;
    if (next) await ctx.checkpoints.set(ctx.tenantId, 'dataverse', next);
    if (feed.initial && page.nextRound) {
      await ctx.checkpoints.set(ctx.tenantId, 'dataverse-initial', 'done');
      await dropMailplusIndex(ctx);
    }
    await feed.beforeNextPage?.();
  }
}

async function enqueueChangePage(ctx: SyncContext, page: CrmChangePage, feed: FeedRead): Promise<number> {
  let enqueued = 0;
  // In slices: one page is 5000 rows, and holding all their states, messages and ciphertexts at
  // once is what drives the peak memory of a large load.
  for (let i = 0; i < Math.max(page.upserts.length, 1); i += SLICE) {
    const rows = page.upserts.slice(i, i + SLICE);
    const match = feed.initial ? await linkExisting(ctx, rows) : undefined;
    const removals: Removals = i === 0 ? { ids: page.deletes, reason: 'deleted' } : NO_REMOVALS;
    enqueued += await enqueuePage(ctx, rows, removals, { match, members: feed.members });
    feed.onEnqueued?.();
    // After the states are written, so a contact new to koppel has a row to stamp.
    if (feed.resync !== null) {
      await ctx.states.markResyncSeen(
        ctx.tenantId,
        rows.map((row) => row.id),
        feed.resync,
      );
    }
  }
  return enqueued;
}

/** Links contacts that already exist in Mail+ under another externalId, before anything is written. */
async function linkExisting(ctx: SyncContext, rows: CrmRecord[]): Promise<PageMatch> {
  const match = await matchPage(ctx, rows);
  const links = new Map(
    [...match.existing]
      .filter(([contactId, m]) => m.mailplusId !== contactId)
      .map(([contactId, m]) => [contactId, m.mailplusId]),
  );
  if (links.size === 0) return match;
  // The match rules leave no Mail+ contact to two people; should another process have linked it
  // meanwhile, the refused contact is reported like any ambiguous one instead of written.
  for (const contactId of await ctx.identities.link(ctx.tenantId, links)) {
    match.existing.delete(contactId);
    match.ambiguous.set(contactId, 1);
  }
  return match;
}

const SLICE = 1000;

interface Removals {
  ids: string[];
  reason: RemovalReason;
}

const NO_REMOVALS: Removals = { ids: [], reason: 'deleted' };

/** What decides whether a row is in scope and new: the initial match, the scoping list's members. */
interface PageScope {
  match?: PageMatch;
  members?: ReadonlySet<string>;
}

async function enqueuePage(
  ctx: SyncContext,
  rows: CrmRecord[],
  removals: Removals,
  scope: PageScope,
): Promise<number> {
  const { match, members } = scope;
  const ids = [...rows.map((r) => r.id), ...removals.ids];
  const items = await ctx.states.update(ctx.tenantId, ids, (states) => {
    const out: EnqueueItem[] = [];
    if (match) adoptExisting(match, states);
    for (const row of rows) {
      const ambiguous = match?.ambiguous.get(row.id);
      if (ambiguous && !states.get(row.id)!.inMailplus) {
        out.push(item(ctx, ambiguityReport(row.id, ambiguous)));
        continue;
      }
      const message = rejectedOr(row.id, () =>
        messageFor(ctx, row, states.get(row.id)!, {
          members,
          adopted: match?.existing.has(row.id),
        }),
      );
      if (message) out.push(item(ctx, message));
    }
    for (const id of removals.ids) {
      if (states.get(id)!.inMailplus)
        out.push(item(ctx, { op: 'remove', contactId: id, reason: removals.reason }));
    }
    return out;
  });
  if (items.length > 0) await ctx.queue.enqueue(items);
  ctx.stats.enqueuedToMailplus += items.length;
  ctx.stats.removalsEnqueued += items.filter((i) => (i.payload as MailplusMessage).op === 'remove').length;
  return items.length;
}

/** A matched Mail+ contact is not new: koppel takes over what the person has switched off there. */
function adoptExisting(match: PageMatch, states: Map<string, ContactState>): void {
  for (const [contactId, existing] of match.existing) {
    const state = states.get(contactId);
    if (!state) continue;
    state.inMailplus = true;
    state.optedOut ||= existing.optedOut;
    state.withdrawnBits = [...new Set([...state.withdrawnBits, ...existing.offBits])];
  }
}

/** The dead-letter reason of a contact the initial match could not pair with one Mail+ contact. */
function ambiguityReport(contactId: string, count: number): MailplusMessage {
  const [cause, remedy] =
    count > 1
      ? [
          `${count} Mail+ contacts have this contact's e-mail address and none has its contactid as externalId`,
          'Remove the duplicates in Mail+ (or give one of them the contactid as externalId), then resync',
        ]
      : [
          "the one Mail+ contact with this contact's e-mail address stands for another Dataverse contact too (same address, or already linked)",
          'Merge the duplicate contacts in Dataverse (or give them different addresses), then resync',
        ];
  return {
    op: 'rejected',
    contactId,
    error: `ambiguous match: ${cause}; not linked and not created. ${remedy}`,
  };
}

function messageFor(
  ctx: SyncContext,
  row: CrmRecord,
  state: ContactState,
  { members, adopted }: { members?: ReadonlySet<string>; adopted?: boolean },
): MailplusMessage | null {
  const { mapper } = ctx;
  if (!mapper.inScope(row, members)) {
    return state.inMailplus ? { op: 'remove', contactId: row.id, reason: 'deactivated' } : null;
  }
  const hashes = ctx.hasher.hashAll(row.id, mapper.canonical('dataverse', row.fields));
  const changed = detectChanges('dataverse', hashes, state).filter((key) => mapper.flowsTo(key, 'mailplus'));
  if (mapper.wantsRemoval(row.fields)) {
    // Only a "do not bulk e-mail" set in Dataverse removes; one that koppel wrote there because the
    // person unsubscribed in Mail+ is an echo (its permission hash is the agreed one) and must not.
    const setInDataverse = changed.some((key) => mapper.permissionBit(key) !== null);
    if (!state.inMailplus) return null;
    if (setInDataverse) return { op: 'remove', contactId: row.id, reason: 'do-not-bulk-email' };
  }
  if (changed.length === 0) {
    ctx.stats.echoesDropped++;
    return null;
  }
  const fields = fieldChanges(mapper, 'mailplus', changed, row.fields, hashes, state);
  rememberSent(state, fields);
  // Nothing agreed yet: koppel has never seen this contact in Mail+ (its first write is queued, was
  // rejected, or was written but not recorded before a crash), so this write is a create: insert-only.
  // A contact matched to an existing Mail+ contact is not created.
  const create = Object.keys(state.synced).length === 0 && !adopted;
  // Recorded with the message, in the same transaction: were it recorded only after the Mail+ write,
  // a crash in between would leave the contact unlinked and lose the person's changes made in Mail+.
  state.inMailplus = true;
  return create
    ? { op: 'upsert', contactId: row.id, fields, create: true }
    : { op: 'upsert', contactId: row.id, fields };
}

/**
 * Keyed per contact, so edits are delivered one at a time and in order. Not coalesced: each message
 * carries only the fields that changed, so replacing one would drop the other's fields.
 */
function item(ctx: SyncContext, message: MailplusMessage): EnqueueItem {
  const payload: MailplusMessage = { ...message, tenantId: ctx.tenantId };
  return { tenantId: ctx.tenantId, queue: QUEUE_TO_MAILPLUS, key: message.contactId, payload };
}
