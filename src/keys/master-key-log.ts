import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Notes the first use of a master key (by id), so its age can be shown and checked. */
export async function recordMasterKey(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db
    .insertInto('master_keys')
    .values({ id, first_used_at: now, retired_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Marks every master key that no live tenant key needs any more as retired, except those in `keep`. */
export async function retireUnusedMasterKeys(
  db: Kysely<Database>,
  keep: readonly string[],
  now: number,
): Promise<string[]> {
  const inUse = await db
    .selectFrom('tenant_keys')
    .select('master_key_id')
    .distinct()
    .where('wrapped_key', 'is not', null)
    .execute();
  const needed = [...keep, ...inUse.map((r) => r.master_key_id)];
  const retired = await db
    .updateTable('master_keys')
    .set({ retired_at: now })
    .where('retired_at', 'is', null)
    .where('id', 'not in', needed)
    .returning('id')
    .execute();
  return retired.map((r) => r.id);
}

export interface MasterKeyRecord {
  id: string;
  firstUsedAt: number;
  retiredAt: number | null;
}

export async function listMasterKeys(db: Kysely<Database>): Promise<MasterKeyRecord[]> {
  const rows = await db.selectFrom('master_keys').selectAll().orderBy('first_used_at').execute();
  return rows.map((r) => ({ id: r.id, firstUsedAt: Number(r.first_used_at), retiredAt: r.retired_at }));
}
