import type { EnqueueItem } from '../queue/queue.js';
import { detectChanges, fieldChanges, syncedHash } from './change-detection.js';
import type { ContactState } from './contact-state.js';
import type { PollResult } from './dataverse-poller.js';
import { permissionKey } from './mapping/index.js';
import type { MarketingContact } from './ports/index.js';
import { rejectedOr } from './rejected.js';
import type { SyncContext } from './sync-context.js';
import { type DataverseMessage, QUEUE_TO_DATAVERSE } from './sync-mapper.js';

const CHUNK = 200;
/** The canonical value of a permission that is on (see the mapper adapter). */
export const PERMISSION_ON = 'true';

/**
 * Reads one window of the Mail+ updates feed and enqueues the person's changes (unsubscribes, edits)
 * for Dataverse. Koppel's own writes come back in this feed; their hashes equal the agreed ones and
 * they are dropped. The window is stored only after its changes are durably enqueued.
 */
export async function pollMailplus(ctx: SyncContext, firstWindowFrom: number): Promise<PollResult> {
  const checkpoint = await fixFeedStart(ctx, firstWindowFrom);
  const pass = ctx.mailplus.readChanges(checkpoint);
  const result: PollResult = { read: 0, enqueued: 0, resynced: false };
  let chunk: MarketingContact[] = [];
  for await (const contact of pass) {
    chunk.push(contact);
    if (chunk.length >= CHUNK) {
      result.enqueued += await enqueueChunk(ctx, chunk);
      result.read += chunk.length;
      chunk = [];
    }
  }
  result.enqueued += await enqueueChunk(ctx, chunk);
  result.read += chunk.length;
  await ctx.checkpoints.set(ctx.tenantId, 'mailplus', pass.position);
  ctx.stats.mailplusRead += result.read;
  return result;
}

/**
 * Where the tenant's Mail+ feed starts, stored the first time: called before koppel reads or writes
 * anything, so changes people make in Mail+ while a first load runs (and is perhaps killed and
 * restarted) are all read once it is done, instead of from whenever a later process happens to start.
 * The start is on Mail+'s clock when that is behind koppel's: its stamps of those changes would
 * otherwise lie before the first window.
 */
export async function fixFeedStart(ctx: SyncContext, firstWindowFrom: number): Promise<string> {
  const stored = await ctx.checkpoints.get(ctx.tenantId, 'mailplus');
  if (stored) return stored;
  const serviceNow = await ctx.mailplus.serviceTime(ctx.clock.now());
  const checkpoint = ctx.mailplus.feedStart(Math.min(firstWindowFrom, serviceNow ?? firstWindowFrom));
  await ctx.checkpoints.set(ctx.tenantId, 'mailplus', checkpoint);
  return checkpoint;
}

async function enqueueChunk(ctx: SyncContext, contacts: MarketingContact[]): Promise<number> {
  if (contacts.length === 0) return 0;
  const contactIds = await ctx.identities.toDataverse(
    ctx.tenantId,
    contacts.map((c) => c.externalId),
  );
  const idOf = (contact: MarketingContact) => contactIds.get(contact.externalId)!;
  const items = await ctx.states.update(ctx.tenantId, contacts.map(idOf), (states) =>
    contacts.flatMap((contact): EnqueueItem[] => {
      const contactId = idOf(contact);
      const message = rejectedOr(contactId, () =>
        messageFor(ctx, contactId, contact, states.get(contactId)!),
      );
      return message
        ? [
            {
              tenantId: ctx.tenantId,
              queue: QUEUE_TO_DATAVERSE,
              key: contactId,
              payload: { ...message, tenantId: ctx.tenantId },
            },
          ]
        : [];
    }),
  );
  if (items.length > 0) await ctx.queue.enqueue(items);
  ctx.stats.enqueuedToDataverse += items.length;
  return items.length;
}

function messageFor(
  ctx: SyncContext,
  contactId: string,
  contact: MarketingContact,
  state: ContactState,
): DataverseMessage | null {
  // Only contacts koppel linked to Dataverse flow back: not ones created in Mail+ by others, and not
  // ones koppel anonymized or withdrew (their emptied record must never wipe the CRM contact).
  if (!state.inMailplus) return null;
  recordConsent(ctx, contact, state);
  const record = consentAdjusted(contact, state);
  const hashes = ctx.hasher.hashAll(state.contactId, ctx.mapper.canonical('mailplus', record));
  const changed = detectChanges('mailplus', hashes, state).filter((key) =>
    ctx.mapper.flowsTo(key, 'dataverse'),
  );
  if (changed.length === 0) {
    ctx.stats.echoesDropped++;
    return null;
  }
  const fields = fieldChanges(ctx.mapper, 'dataverse', changed, record, hashes, state);
  return { op: 'update', contactId, fields };
}

/**
 * Remembers what the person withdrew in Mail+ (a permission that is off where koppel knows it was on,
 * or a global opt-out), so koppel never switches it on again. Must run before detectChanges updates
 * `seen`. "Known to be on": last read on in Mail+, agreed on, or, before anything was ever agreed, on in
 * Dataverse (koppel created the contact with it on and a crash lost that record). A bit that is off
 * because Dataverse said so is not a withdrawal: consent given later in Dataverse may switch it on.
 */
function recordConsent(ctx: SyncContext, contact: MarketingContact, state: ContactState): void {
  if (contact.consent.optedOut) state.optedOut = true;
  for (const [bit, enabled] of contact.consent.permissions) {
    const key = permissionKey(bit);
    const on = ctx.hasher.hash(state.contactId, key, PERMISSION_ON);
    const agreed = syncedHash(state, key);
    const knownOn =
      state.seenMailplus[key] === on || agreed === on || (agreed === null && state.seenDataverse[key] === on);
    if (!enabled && knownOn && !state.withdrawnBits.includes(bit)) state.withdrawnBits.push(bit);
  }
}

/** A global opt-out withdraws every permission, whatever the individual bits still say. */
function consentAdjusted(contact: MarketingContact, state: ContactState): Record<string, unknown> {
  const properties = { ...contact.properties };
  if (state.optedOut) {
    properties.permissions = [...contact.consent.permissions.keys()].map((bit) => ({ bit, enabled: false }));
  }
  return { externalId: contact.externalId, ...properties };
}
