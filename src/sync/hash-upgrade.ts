import type { ContactState } from './contact-state.js';
import type { FieldHasher } from './field-hasher.js';
import type { DataverseMessage, FieldChange, MailplusMessage } from './sync-mapper.js';

/**
 * States and queued messages written before field hashes were bound to their contact hold unbound
 * hashes. Each is brought to the bound form when it is used, so every comparison is between hashes
 * of one form, and a state is stored bound the next time it is written: upgraded on touch, never in
 * bulk.
 */
export function upgradeState(hasher: FieldHasher, state: ContactState): void {
  const up = (hash: string) => hasher.upgrade(state.contactId, hash);
  // `synced` entries carry the side that produced them in front: "d:<hash>" or "m:<hash>".
  for (const [key, entry] of Object.entries(state.synced))
    state.synced[key] = entry.slice(0, 2) + up(entry.slice(2));
  for (const seen of [state.seenDataverse, state.seenMailplus])
    for (const [key, hash] of Object.entries(seen)) seen[key] = up(hash);
  for (const [key, hashes] of Object.entries(state.sentMailplus)) state.sentMailplus[key] = hashes.map(up);
}

/** A message enqueued before the binding carries unbound hashes; its contact is its key. */
export function upgradeMessage(hasher: FieldHasher, message: MailplusMessage | DataverseMessage): void {
  if (message.op !== 'upsert' && message.op !== 'update') return;
  for (const change of Object.values(message.fields) as FieldChange[]) {
    change.hash = hasher.upgrade(message.contactId, change.hash);
    if (change.base !== null) change.base = hasher.upgrade(message.contactId, change.base);
  }
}
