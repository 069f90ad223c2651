import { PermanentError } from '../errors.js';
import type { ClaimedMessage } from '../queue/queue.js';
import { agreedFrom, markSynced, mayWrite, wasSent } from './change-detection.js';
import type { ContactState } from './contact-state.js';
import { upgradeMessage } from './hash-upgrade.js';
import type { MarketingWrite, MarketingWriteOutcome } from './ports/index.js';
import { HOLD_MS } from './removal-guard.js';
import { type Outcome, settle } from './settle.js';
import type { SyncContext } from './sync-context.js';
import {
  type FieldChange,
  type MailplusMessage,
  QUEUE_TO_MAILPLUS,
  type RemovalReason,
} from './sync-mapper.js';

/** One contact to write: `mailplusId` is its externalId in Mail+, `contactId` the Dataverse one. */
interface Upsert {
  index: number;
  contactId: string;
  mailplusId: string;
  written: Record<string, FieldChange>;
  create: boolean;
}

/**
 * Takes up to 100 messages for one tenant, writes the upserts with one bulk call, removals one by
 * one, and settles every message by its own outcome. Returns how many messages it handled.
 */
export async function deliverToMailplus(ctx: SyncContext, limit = 100): Promise<number> {
  const claimed = await ctx.queue.claim<MailplusMessage>({
    queue: QUEUE_TO_MAILPLUS,
    tenantId: ctx.tenantId,
    limit,
  });
  if (claimed.length === 0) return 0;
  const admitted = await ctx.tenantGuard.admit(ctx.tenantId, 'mailplus', claimed, (m, reason, why) =>
    ctx.queue.deadLetter(m, reason, why),
  );
  const messages = await holdRemovals(ctx, admitted);
  if (messages.length === 0) return claimed.length;
  for (const message of messages) upgradeMessage(ctx.hasher, message.payload);
  const contactIds = messages.map((m) => m.payload.contactId);
  const states = await ctx.states.getMany(ctx.tenantId, contactIds);
  const mailplusIds = await ctx.identities.toMailplus(ctx.tenantId, contactIds);
  const outcomes: Outcome[] = new Array(messages.length);
  const upserts: Upsert[] = [];
  for (const [index, message] of messages.entries()) {
    const payload = message.payload;
    const mailplusId = mailplusIds.get(payload.contactId)!;
    if (payload.op === 'rejected') outcomes[index] = { ok: false, error: new PermanentError(payload.error) };
    else if (payload.op === 'remove')
      outcomes[index] = await remove(ctx, payload.contactId, mailplusId, payload.reason);
    else {
      const written = writable(ctx, payload, states.get(payload.contactId)!);
      if (written) {
        const create = payload.create === true;
        upserts.push({ index, contactId: payload.contactId, mailplusId, written, create });
      } else outcomes[index] = { ok: true };
    }
  }
  await writeUpserts(ctx, upserts, outcomes, states);
  await settle(ctx, messages, outcomes);
  return claimed.length;
}

/**
 * During a mass-removal pause the tenant's removals wait in the queue (no delivery counted; the same
 * contact's later messages wait behind them) while its updates go on; removals an admin rejected are
 * dead-lettered `rejected-by-admin`, to be replayed if that was wrong. Returns what to deliver now.
 */
async function holdRemovals(
  ctx: SyncContext,
  messages: ClaimedMessage<MailplusMessage>[],
): Promise<ClaimedMessage<MailplusMessage>[]> {
  const removals = messages.filter((m) => m.payload.op === 'remove');
  const { held, rejected } = await ctx.removals.sort(ctx.tenantId, removals);
  if (held.length > 0) {
    ctx.stats.removalsHeld += held.length;
    await ctx.queue.abandon(held, {
      notBefore: ctx.clock.now() + HOLD_MS,
      countDelivery: false,
      error: "held: the tenant's removals are paused after a mass removal (koppel tenant removals)",
    });
  }
  if (rejected.length > 0) {
    ctx.stats.deadLettered += rejected.length;
    await ctx.queue.deadLetter(
      rejected,
      'rejected-by-admin',
      'a mass removal an admin rejected (koppel tenant removals reject); replay it to remove after all',
    );
  }
  const out = new Set([...held, ...rejected]);
  return messages.filter((m) => !out.has(m));
}

/**
 * Drops fields the owner rule gives to Mail+, and permissions koppel may not switch on: one the person
 * withdrew, and any outside an insert-only create that is not a change of an agreed value (Dataverse
 * giving consent later). Without an agreed value koppel does not know what the person has in Mail+
 * now: a contact matched at the first load, or one whose first write a crash left unrecorded.
 */
function writable(
  ctx: SyncContext,
  message: Extract<MailplusMessage, { op: 'upsert' }>,
  state: ContactState,
): Record<string, FieldChange> | null {
  const written: Record<string, FieldChange> = {};
  for (const [key, change] of Object.entries(message.fields)) {
    if (!mayWrite(key, change, 'dataverse', state, ctx.mapper)) {
      ctx.stats.conflictsResolved++;
      continue;
    }
    if (switchesOn(ctx, key, change)) {
      const withdrawn = state.optedOut || state.withdrawnBits.includes(ctx.mapper.permissionBit(key)!);
      if (withdrawn || (!message.create && change.base === null)) continue;
    }
    written[key] = change;
  }
  return Object.keys(written).length > 0 ? written : null;
}

function switchesOn(ctx: SyncContext, key: string, change: FieldChange): boolean {
  if (ctx.mapper.permissionBit(key) === null) return false;
  const entries = Object.values(change.values).flat() as Array<{ enabled?: unknown }>;
  return entries.some((entry) => entry?.enabled === true);
}

function inputOf(upsert: Upsert): MarketingWrite {
  const properties: Record<string, unknown> = {};
  for (const change of Object.values(upsert.written)) merge(properties, change.values);
  return { externalId: upsert.mailplusId, properties };
}

/** Permission entries of several bits go into one `permissions` array. */
function merge(target: Record<string, unknown>, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const existing = target[name];
    target[name] = Array.isArray(existing) && Array.isArray(value) ? [...existing, ...value] : value;
  }
}

/**
 * First writes go insert-only. One that finds the contact there already is a redelivery whose first
 * attempt was written before a crash (or a contact someone else created): it is sent again as an
 * update without switching any permission on, because the person may have unsubscribed since; the
 * next read of Mail+ tells what the permission is now.
 */
async function writeUpserts(
  ctx: SyncContext,
  upserts: Upsert[],
  outcomes: Outcome[],
  states: ReadonlyMap<string, ContactState>,
): Promise<void> {
  if (upserts.length === 0) return;
  const results = new Map<number, MarketingWriteOutcome>();
  const creates = upserts.filter((u) => u.create);
  const updates = upserts.filter((u) => !u.create);
  if (creates.length > 0) {
    const created = await ctx.mailplus.upsertBatch(creates.map(inputOf), { update: false });
    for (const [i, u] of creates.entries()) {
      const result = created[i]!;
      if (result.status === 'exists') updates.push(await existingUpdate(ctx, u, states.get(u.contactId)!));
      else results.set(u.index, result);
    }
  }
  const toSend = updates.filter((u) => Object.keys(u.written).length > 0);
  if (toSend.length > 0) {
    const updated = await ctx.mailplus.upsertBatch(toSend.map(inputOf));
    for (const [i, u] of toSend.entries()) results.set(u.index, updated[i]!);
  }
  const succeeded = [...creates.filter((u) => results.has(u.index)), ...updates].filter(
    (u) => results.get(u.index)?.status !== 'failed',
  );
  await ctx.states.update(
    ctx.tenantId,
    succeeded.map((u) => u.contactId),
    (states) => {
      for (const u of succeeded) {
        const state = states.get(u.contactId)!;
        state.inMailplus = true;
        if (results.get(u.index)?.status === 'written-opted-out') state.optedOut = true;
        for (const [key, change] of Object.entries(u.written))
          markSynced(state, key, change.hash, 'dataverse');
      }
    },
    // Settled after this commit: losing it (power cut) loses the settlement too, and the redelivery
    // finds its own write in Mail+ (an insert-only create answers "exists").
    { durable: false },
  );
  for (const u of upserts) {
    const result = results.get(u.index);
    outcomes[u.index] = result?.status === 'failed' ? { ok: false, error: result.error } : { ok: true };
  }
  ctx.stats.writtenToMailplus += succeeded.length;
}

/**
 * The update for a first write that found the contact in Mail+. What is there now is either koppel's
 * own (this write, or an earlier queued one, that a crash kept from being recorded, or one it wrote
 * from Dataverse and recorded) or a person's edit made since, perhaps already agreed: a field holding
 * a value koppel did not write is left alone, and the next read of Mail+ carries that edit to
 * Dataverse. Permissions are never switched on here (see writeUpserts).
 */
async function existingUpdate(ctx: SyncContext, upsert: Upsert, state: ContactState): Promise<Upsert> {
  const current = await ctx.mailplus.contact(upsert.mailplusId);
  const now = current
    ? ctx.hasher.hashAll(
        upsert.contactId,
        ctx.mapper.canonical('mailplus', { externalId: current.externalId, ...current.properties }),
      )
    : {};
  const ours = (key: string, change: FieldChange) => {
    const hash = now[key];
    return (
      hash === undefined ||
      hash === change.hash ||
      agreedFrom(state, key, hash, 'dataverse') ||
      wasSent(state, key, hash)
    );
  };
  const written = Object.fromEntries(
    Object.entries(upsert.written).filter(
      ([key, change]) => !switchesOn(ctx, key, change) && ours(key, change),
    ),
  );
  return { ...upsert, written, create: false };
}

async function remove(
  ctx: SyncContext,
  contactId: string,
  mailplusId: string,
  reason: RemovalReason,
): Promise<Outcome> {
  try {
    // Forgotten before Mail+ is touched: were it forgotten after, a crash in between would let the
    // next read of the feed take the emptied Mail+ record for the person's edits and wipe the CRM
    // contact. Should the write fail, the message is retried (or dead-lettered) all the same.
    await ctx.states.update(ctx.tenantId, [contactId], (states) => {
      const state = states.get(contactId)!;
      state.inMailplus = false;
      state.synced = {};
      state.seenMailplus = {};
      state.seenDataverse = {};
    });
    if (ctx.mapper.removalPolicy(reason) === 'anonymize') await ctx.mailplus.anonymize(mailplusId);
    else {
      const result = await withdrawAll(ctx, mailplusId);
      if (result?.status === 'failed') return { ok: false, error: result.error };
    }
    ctx.stats.removedFromMailplus++;
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/**
 * Every permission off, also those the mapping does not carry (a person who must get no bulk e-mail
 * gets none, whatever else they signed up for in Mail+). Read first: the bits are the contact's own,
 * and a contact Mail+ no longer has must not be created just to hold switched-off permissions.
 */
async function withdrawAll(ctx: SyncContext, mailplusId: string): Promise<MarketingWriteOutcome | undefined> {
  const contact = await ctx.mailplus.contact(mailplusId);
  if (!contact) return undefined;
  const bits = new Set([...ctx.mapper.permissionBits, ...contact.consent.permissions.keys()]);
  const permissions = [...bits].map((bit) => ({ bit, enabled: false }));
  const [result] = await ctx.mailplus.upsertBatch([{ externalId: mailplusId, properties: { permissions } }]);
  return result;
}
