import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import { wrapContext } from './key-ring.js';
import { findWrapper, type MasterKeys, missingMasterKey, type WrappedKey } from './key-wrapper.js';
import { recordMasterKey, retireUnusedMasterKeys } from './master-key-log.js';

export interface RewrapResult {
  /** Tenant key versions now wrapped by the current master key that were not before. */
  rewrapped: number;
  /** Versions that already were (a local key only; a Key Vault key is always re-wrapped). */
  alreadyCurrent: number;
  /** Versions a concurrent process wrapped with an old key while we worked: run rotate again. */
  remaining: number;
  /** Master key ids no live tenant key needs any more. */
  retired: string[];
}

interface Rewrap {
  tenantId: string;
  version: number;
  oldMasterKeyId: string;
  next: WrappedKey;
}

/**
 * Re-wraps every live tenant data key with the current master key. The slow part (unwrapping and
 * wrapping, which may be calls to Key Vault) happens outside the transaction; the transaction then
 * swaps all rows at once, each only if nobody changed it meanwhile, so a crash leaves the old
 * wrapping in place and a rerun finishes the job. The data keys themselves do not change, so
 * nothing sealed with them needs re-encrypting.
 */
export async function rewrapTenantKeys(
  store: Store,
  masters: MasterKeys,
  clock: Clock,
): Promise<RewrapResult> {
  const rows = await store.db
    .selectFrom('tenant_keys')
    .select(['tenant_id', 'version', 'wrapped_key', 'master_key_id'])
    .where('wrapped_key', 'is not', null)
    .orderBy('tenant_id')
    .orderBy('version')
    .execute();
  const current = masters.current;
  const todo = rows.filter((r) => current.kind !== 'local' || r.master_key_id !== current.id);
  const rewraps: Rewrap[] = [];
  for (const row of todo) {
    const wrapper = findWrapper(masters, row.master_key_id);
    if (!wrapper) throw missingMasterKey(row.tenant_id, row.master_key_id);
    const context = wrapContext(row.tenant_id, row.version);
    const dataKey = await wrapper.unwrap(row.wrapped_key!, context, row.master_key_id);
    rewraps.push({
      tenantId: row.tenant_id,
      version: row.version,
      oldMasterKeyId: row.master_key_id,
      next: await current.wrap(dataKey, context),
    });
  }
  const now = clock.now();
  return store.writeTransaction(async (trx) => {
    let rewrapped = 0;
    await recordMasterKey(trx, current.id, now);
    for (const r of rewraps) {
      await recordMasterKey(trx, r.next.masterKeyId, now);
      const result = await trx
        .updateTable('tenant_keys')
        .set({ wrapped_key: r.next.wrapped, master_key_id: r.next.masterKeyId, rewrapped_at: now })
        .where('tenant_id', '=', r.tenantId)
        .where('version', '=', r.version)
        .where('master_key_id', '=', r.oldMasterKeyId)
        // A key destroyed meanwhile (offboarding) stays destroyed.
        .where('wrapped_key', 'is not', null)
        .executeTakeFirst();
      rewrapped += Number(result.numUpdatedRows);
    }
    const keep = [current.id, ...new Set(rewraps.map((r) => r.next.masterKeyId))];
    const remaining = await trx
      .selectFrom('tenant_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('wrapped_key', 'is not', null)
      .where('master_key_id', 'not in', keep)
      .executeTakeFirstOrThrow();
    // Only retire when nothing still needs an old key; otherwise the next rerun does it.
    const retired = Number(remaining.n) === 0 ? await retireUnusedMasterKeys(trx, keep, now) : [];
    return { rewrapped, alreadyCurrent: rows.length - todo.length, remaining: Number(remaining.n), retired };
  });
}
