import type { ContactInput } from '../connectors/mailplus/index.js';
import { PermanentError } from '../errors.js';
import { markSynced, mayWrite } from './change-detection.js';
import type { ContactState } from './contact-state.js';
import { type Outcome, settle } from './settle.js';
import type { SyncContext } from './sync-context.js';
import {
  type FieldChange,
  type MailplusMessage,
  QUEUE_TO_MAILPLUS,
  type RemovalReason,
} from './sync-mapper.js';

/** One contact to write: `input.externalId` is the Mail+ id, `contactId` the Dataverse one. */
interface Upsert {
  index: number;
  contactId: string;
  input: ContactInput;
  written: Record<string, FieldChange>;
}

/**
 * Takes up to 100 messages for one tenant, writes the upserts with one bulk call, removals one by
 * one, and settles every message by its own outcome. Returns how many messages it handled.
 */
export async function deliverToMailplus(ctx: SyncContext, limit = 100): Promise<number> {
  const messages = await ctx.queue.claim<MailplusMessage>({
    queue: QUEUE_TO_MAILPLUS,
    tenantId: ctx.tenantId,
    limit,
  });
  if (messages.length === 0) return 0;
  const states = await ctx.states.getMany(
    ctx.tenantId,
    messages.map((m) => m.payload.contactId),
  );
  const outcomes: Outcome[] = new Array(messages.length);
  const upserts: Upsert[] = [];
  const mailplusIds = await ctx.identities.toMailplus(
    ctx.tenantId,
    messages.map((m) => m.payload.contactId),
  );
  for (const [index, message] of messages.entries()) {
    const payload = message.payload;
    if (payload.op === 'rejected') outcomes[index] = { ok: false, error: new PermanentError(payload.error) };
    else if (payload.op === 'remove')
      outcomes[index] = await remove(
        ctx,
        payload.contactId,
        mailplusIds.get(payload.contactId)!,
        payload.reason,
      );
    else {
      const plan = planUpsert(ctx, payload.contactId, payload.fields, states.get(payload.contactId)!);
      if (plan) {
        plan.input.externalId = mailplusIds.get(payload.contactId)!;
        upserts.push({ index, contactId: payload.contactId, ...plan });
      } else outcomes[index] = { ok: true };
    }
  }
  await writeUpserts(ctx, upserts, outcomes);
  await settle(ctx, messages, outcomes);
  return messages.length;
}

/** Drops fields the owner rule gives to Mail+, and never switches on a permission the person withdrew. */
function planUpsert(
  ctx: SyncContext,
  contactId: string,
  fields: Record<string, FieldChange>,
  state: ContactState,
) {
  const properties: Record<string, unknown> = {};
  const written: Record<string, FieldChange> = {};
  for (const [key, change] of Object.entries(fields)) {
    if (!mayWrite(key, change, 'dataverse', state, ctx.mapper)) {
      ctx.stats.conflictsResolved++;
      continue;
    }
    const bit = ctx.mapper.permissionBit(key);
    if (bit !== null && isSwitchOn(change) && (state.optedOut || state.withdrawnBits.includes(bit))) continue;
    merge(properties, change.values);
    written[key] = change;
  }
  if (Object.keys(written).length === 0) return null;
  return { input: { externalId: contactId, properties }, written };
}

function isSwitchOn(change: FieldChange): boolean {
  const entries = Object.values(change.values).flat() as Array<{ enabled?: unknown }>;
  return entries.some((entry) => entry?.enabled === true);
}

/** Permission entries of several bits go into one `permissions` array. */
function merge(target: Record<string, unknown>, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const existing = target[name];
    target[name] = Array.isArray(existing) && Array.isArray(value) ? [...existing, ...value] : value;
  }
}

async function writeUpserts(ctx: SyncContext, upserts: Upsert[], outcomes: Outcome[]): Promise<void> {
  if (upserts.length === 0) return;
  const results = await ctx.mailplus.upsertBatch(upserts.map((u) => u.input));
  const succeeded = upserts.filter((_, i) => results[i]!.status !== 'failed');
  await ctx.states.update(
    ctx.tenantId,
    succeeded.map((u) => u.contactId),
    (states) => {
      for (const [i, u] of upserts.entries()) {
        const result = results[i]!;
        if (result.status === 'failed') continue;
        const state = states.get(u.contactId)!;
        state.inMailplus = true;
        if (result.status === 'written-opted-out') state.optedOut = true;
        for (const [key, change] of Object.entries(u.written))
          markSynced(state, key, change.hash, 'dataverse');
      }
    },
  );
  for (const [i, u] of upserts.entries()) {
    const result = results[i]!;
    outcomes[u.index] = result.status === 'failed' ? { ok: false, error: result.error } : { ok: true };
  }
  ctx.stats.writtenToMailplus += succeeded.length;
}

async function remove(
  ctx: SyncContext,
  contactId: string,
  mailplusId: string,
  reason: RemovalReason,
): Promise<Outcome> {
  try {
    if (ctx.mapper.removalPolicy(reason) === 'anonymize') await ctx.mailplus.anonymize(mailplusId);
    else {
      const permissions = ctx.mapper.permissionBits.map((bit) => ({ bit, enabled: false }));
      const [result] = await ctx.mailplus.upsertBatch([
        { externalId: mailplusId, properties: { permissions } },
      ]);
      if (result?.status === 'failed') return { ok: false, error: result.error };
    }
    await ctx.states.update(ctx.tenantId, [contactId], (states) => {
      const state = states.get(contactId)!;
      state.inMailplus = false;
      state.synced = {};
      state.seenMailplus = {};
      // Forgotten on the Dataverse side too: the emptied Mail+ record must never flow back.
      state.seenDataverse = {};
    });
    ctx.stats.removedFromMailplus++;
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}
