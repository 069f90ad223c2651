import type { Store } from '../store/open-store.js';

/**
 * Closed incidents past their retention (purge_after = closed_at + incidents.retentionYears), deleted
 * with their events and evidence. Open incidents are never deleted: the query skips them and the
 * database's triggers refuse it anyway (migration 0013). Returns how many incidents were deleted.
 */
export async function purgeDueIncidents(store: Store, now: number): Promise<number> {
  const due = await store.db
    .selectFrom('incidents')
    .select('id')
    .where('state', '=', 'closed')
    .where('purge_after', '<=', now)
    .execute();
  for (const { id } of due)
    await store.writeTransaction(async (trx) => {
      await trx.deleteFrom('incident_evidence').where('incident_id', '=', id).execute();
      await trx.deleteFrom('incident_events').where('incident_id', '=', id).execute();
      await trx.deleteFrom('incidents').where('id', '=', id).where('state', '=', 'closed').execute();
    });
  return due.length;
}

/** What the register holds for `koppel retention status`: every incident; due = the first purge_after. */
export async function incidentInventory(
  store: Store,
): Promise<{ items: number; oldestAt: number | null; dueAt: number | null }> {
  const row = await store.db
    .selectFrom('incidents')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min<number>('opened_at').as('oldest'),
      eb.fn.min<number>('purge_after').as('due'),
    ])
    .executeTakeFirstOrThrow();
  return {
    items: Number(row.n),
    oldestAt: row.oldest == null ? null : Number(row.oldest),
    dueAt: row.due == null ? null : Number(row.due),
  };
}
