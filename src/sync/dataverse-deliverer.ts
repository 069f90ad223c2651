import { PermanentError } from '../errors.js';
import { markSynced, mayWrite } from './change-detection.js';
import { upgradeMessage } from './hash-upgrade.js';
import { type Outcome, settle } from './settle.js';
import type { SyncContext } from './sync-context.js';
import { type DataverseMessage, type FieldChange, QUEUE_TO_DATAVERSE } from './sync-mapper.js';

interface Planned {
  index: number;
  contactId: string;
  fields: Record<string, unknown>;
  written: Record<string, FieldChange>;
}

/**
 * Takes up to `limit` messages for one tenant and writes them in one call of updates (never creates:
 * koppel never creates a contact in Dataverse from Mail+), settling each message by its own outcome.
 */
export async function deliverToDataverse(ctx: SyncContext, limit = 500): Promise<number> {
  const claimed = await ctx.queue.claim<DataverseMessage>({
    queue: QUEUE_TO_DATAVERSE,
    tenantId: ctx.tenantId,
    limit,
  });
  if (claimed.length === 0) return 0;
  const messages = await ctx.tenantGuard.admit(ctx.tenantId, 'dataverse', claimed, (m, reason, why) =>
    ctx.queue.deadLetter(m, reason, why),
  );
  if (messages.length === 0) return claimed.length;
  for (const message of messages) upgradeMessage(ctx.hasher, message.payload);
  const states = await ctx.states.getMany(
    ctx.tenantId,
    messages.map((m) => m.payload.contactId),
  );
  const outcomes: Outcome[] = new Array(messages.length);
  const planned: Planned[] = [];
  for (const [index, { payload }] of messages.entries()) {
    if (payload.op === 'rejected') {
      outcomes[index] = { ok: false, error: new PermanentError(payload.error) };
      continue;
    }
    const fields: Record<string, unknown> = {};
    const written: Record<string, FieldChange> = {};
    for (const [key, change] of Object.entries(payload.fields)) {
      if (!mayWrite(key, change, 'mailplus', states.get(payload.contactId)!, ctx.mapper)) {
        ctx.stats.conflictsResolved++;
        continue;
      }
      Object.assign(fields, change.values);
      written[key] = change;
    }
    if (Object.keys(written).length === 0) outcomes[index] = { ok: true };
    else planned.push({ index, contactId: payload.contactId, fields, written });
  }
  await write(ctx, planned, outcomes);
  await settle(ctx, messages, outcomes);
  return claimed.length;
}

async function write(ctx: SyncContext, planned: Planned[], outcomes: Outcome[]): Promise<void> {
  if (planned.length === 0) return;
  const results = await ctx.dataverse.updateMany(planned.map((p) => ({ id: p.contactId, fields: p.fields })));
  const ok = planned.filter((_, i) => results[i]!.ok);
  await ctx.states.update(
    ctx.tenantId,
    ok.map((p) => p.contactId),
    (states) => {
      for (const p of ok) {
        const state = states.get(p.contactId)!;
        for (const [key, change] of Object.entries(p.written))
          markSynced(state, key, change.hash, 'mailplus');
      }
    },
    // Settled after this commit: losing it (power cut) loses the settlement too; the update is redone.
    { durable: false },
  );
  for (const [i, p] of planned.entries()) {
    const result = results[i]!;
    if (result.ok) outcomes[p.index] = { ok: true };
    else if (result.notFound)
      outcomes[p.index] = {
        ok: false,
        error: new PermanentError(`contact ${p.contactId} does not exist in Dataverse`),
      };
    else outcomes[p.index] = { ok: false, error: result.error };
  }
  ctx.stats.writtenToDataverse += ok.length;
}
