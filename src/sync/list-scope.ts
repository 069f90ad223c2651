import type { ContactRow } from '../connectors/dynamics/index.js';
import type { SyncContext } from './sync-context.js';

const CHUNK = 500;
/** Contacts fetched per request by id; keeps the $filter well inside URL limits. */
const FETCH_BATCH = 50;

/** The members of the scoping marketing list (ids only), or undefined when no list scopes the sync. */
export async function listMembers(ctx: SyncContext): Promise<Set<string> | undefined> {
  if (!ctx.mapper.scopeListId) return undefined;
  const members = new Set<string>();
  for await (const page of ctx.dataverse.listMemberIds(ctx.mapper.scopeListId, 5000)) {
    for (const id of page) members.add(id.toLowerCase());
  }
  return members;
}

/**
 * List membership changes do not show in the contact change feed, so each round compares: members
 * never read in scope are fetched and synced; contacts in Mail+ that left the list are removed there.
 */
export async function reconcileListScope(
  ctx: SyncContext,
  members: ReadonlySet<string>,
  syncRows: (rows: ContactRow[]) => Promise<number>,
  removeLeavers: (ids: string[]) => Promise<number>,
): Promise<number> {
  const db = ctx.store.db;
  const joiners: string[] = [];
  const ids = [...members];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('sync_contacts')
      .select(['contact_id', 'seen_dataverse', 'in_mailplus'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('contact_id', 'in', chunk)
      .execute();
    const known = new Map(rows.map((r) => [r.contact_id, r]));
    for (const id of chunk) {
      const row = known.get(id);
      if (!row || (row.in_mailplus === 0 && row.seen_dataverse === '{}')) joiners.push(id);
    }
  }
  let enqueued = 0;
  for (let i = 0; i < joiners.length; i += FETCH_BATCH) {
    const filter = joiners
      .slice(i, i + FETCH_BATCH)
      .map((id) => `contactid eq ${id}`)
      .join(' or ');
    const source = ctx.dataverse.contacts({
      select: ctx.mapper.dataverseColumns,
      filter,
      annotations: ctx.mapper.needsAnnotations,
    });
    for await (const page of source) enqueued += await syncRows(page);
  }
  const inMailplus = await db
    .selectFrom('sync_contacts')
    .select('contact_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('in_mailplus', '=', 1)
    .execute();
  const leavers = inMailplus.map((r) => r.contact_id).filter((id) => !members.has(id));
  if (leavers.length > 0) enqueued += await removeLeavers(leavers);
  return enqueued;
}
