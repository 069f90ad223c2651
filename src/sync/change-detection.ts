import type { ContactState } from './contact-state.js';
import type { FieldChange, Side, SyncMapper } from './sync-mapper.js';

/**
 * `synced` entries are "<side initial>:<hash>": the hash both sides agreed on, and which side's change
 * produced it. Comparing hashes, never timestamps, keeps this correct when clocks disagree.
 */
export function syncedHash(state: ContactState, key: string): string | null {
  const entry = state.synced[key];
  return entry ? entry.slice(2) : null;
}

/** Whether `hash` is the agreed value of `key` and came from `side` (koppel wrote it to the other). */
export function agreedFrom(state: ContactState, key: string, hash: string, side: Side): boolean {
  return syncedHash(state, key) === hash && syncedBy(state, key) === side;
}

function syncedBy(state: ContactState, key: string): Side | null {
  const entry = state.synced[key];
  if (!entry) return null;
  return entry.startsWith('d:') ? 'dataverse' : 'mailplus';
}

export function markSynced(state: ContactState, key: string, hash: string, by: Side): void {
  state.synced[key] = `${by === 'dataverse' ? 'd' : 'm'}:${hash}`;
  (by === 'dataverse' ? state.seenMailplus : state.seenDataverse)[key] = hash;
  if (by === 'dataverse') forgetSent(state, key, hash);
}

/** How many unrecorded values per field are remembered: a contact rarely has more than one queued. */
const SENT_KEPT = 4;

/** Notes the values of a message for Mail+ as sent, in the transaction that enqueues it. */
export function rememberSent(state: ContactState, fields: Record<string, FieldChange>): void {
  for (const [key, change] of Object.entries(fields)) {
    const sent = (state.sentMailplus[key] ?? []).filter((hash) => hash !== change.hash);
    state.sentMailplus[key] = [...sent, change.hash].slice(-SENT_KEPT);
  }
}

/** Whether `hash` is a value koppel queued for Mail+ whose write it has not recorded. */
export function wasSent(state: ContactState, key: string, hash: string): boolean {
  return state.sentMailplus[key]?.includes(hash) ?? false;
}

function forgetSent(state: ContactState, key: string, hash: string): void {
  const rest = (state.sentMailplus[key] ?? []).filter((sent) => sent !== hash);
  if (rest.length > 0) state.sentMailplus[key] = rest;
  else delete state.sentMailplus[key];
}

/**
 * Records what was read on `side` and returns the keys whose value differs from the agreed one: real
 * edits on that side. An echo of koppel's own write equals the agreed value and is not returned.
 *
 * A value equal to what the other side was last read with is not an edit either: both sides already
 * hold it. That is koppel's own write whose record a crash lost (the process died between the remote
 * write and saving its hash), or the same edit made on both sides. It becomes the agreed value instead
 * of a message; carried back, such a stale echo would overwrite an edit the other side made meanwhile.
 */
export function detectChanges(side: Side, hashes: Record<string, string>, state: ContactState): string[] {
  const other: Side = side === 'dataverse' ? 'mailplus' : 'dataverse';
  const seen = side === 'dataverse' ? state.seenDataverse : state.seenMailplus;
  const seenOther = side === 'dataverse' ? state.seenMailplus : state.seenDataverse;
  const changed: string[] = [];
  for (const [key, hash] of Object.entries(hashes)) {
    seen[key] = hash;
    if (hash === syncedHash(state, key)) continue;
    // koppel's own write to Mail+ whose record a crash lost, possibly an older one than the latest
    // Dataverse value: it came from Dataverse, so it is agreed (a newer value queued is still written).
    const ours = seenOther[key] === hash || (side === 'mailplus' && wasSent(state, key, hash));
    if (ours) markSynced(state, key, hash, other);
    else changed.push(key);
  }
  return changed;
}

/**
 * Decides, at delivery time, whether a change from `source` may be written to the other side.
 * - Not when a value was agreed from the target since this change was read: that value is already on
 *   both sides, so this change is stale, whoever owns the field. Written anyway (a redelivery after a
 *   crash, say), it would leave the two sides holding different values for good, since the target's
 *   feed then shows koppel's own write.
 * - Not when the target changed the same field concurrently (not yet agreed) and the target owns it.
 */
export function mayWrite(
  key: string,
  change: FieldChange,
  source: Side,
  state: ContactState,
  mapper: SyncMapper,
): boolean {
  const target: Side = source === 'dataverse' ? 'mailplus' : 'dataverse';
  const seenTarget = (target === 'dataverse' ? state.seenDataverse : state.seenMailplus)[key];
  const agreed = syncedHash(state, key);
  const targetChanged = seenTarget !== undefined && seenTarget !== agreed && seenTarget !== change.hash;
  const agreedSinceBy = agreed !== change.base && syncedBy(state, key) !== source && agreed !== change.hash;
  if (agreedSinceBy) return false;
  if (!targetChanged) return true;
  return mapper.owner(key) === source;
}

/** The message body for the changed keys: values for the target, the new hash and the agreed one. */
export function fieldChanges(
  mapper: SyncMapper,
  target: Side,
  keys: readonly string[],
  record: Record<string, unknown>,
  hashes: Record<string, string>,
  state: ContactState,
): Record<string, FieldChange> {
  const values = mapper.valuesFor(target, keys, record);
  const fields: Record<string, FieldChange> = {};
  for (const key of keys)
    fields[key] = { values: values[key]!, hash: hashes[key]!, base: syncedHash(state, key) };
  return fields;
}
