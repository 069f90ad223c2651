import type { KeyRing } from '../keys/key-ring.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { FieldHasher } from './field-hasher.js';

/**
 * The hasher of a tenant's sync state, made with one fixed version of its data key: the one that was
 * current when the tenant's hashes were first made under this rule (stored as a checkpoint). Were it
 * always the current version, `koppel keys rotate-tenant` would change every hash at the next start:
 * every unchanged field would look edited on both sides and overwrite the other side's edits. Older
 * key versions stay until the tenant is shredded, which makes these hashes meaningless with the rest.
 *
 * A store from before this rule hashed with the version current at its start, which is the one taken
 * here, so its unbound hashes are upgraded under the key they were made with.
 */
export async function fieldHasherFor(
  keys: KeyRing,
  checkpoints: CheckpointStore,
  tenantId: string,
): Promise<FieldHasher> {
  const current = await keys.current(tenantId);
  const stored = await checkpoints.setOnce(tenantId, 'field-hash-key', String(current.version));
  const version = Number(stored);
  const key = version === current.version ? current : await keys.version(tenantId, version);
  return new FieldHasher(key.key);
}
