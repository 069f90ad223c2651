import type { CrmRecord } from './ports/index.js';
import type { SyncContext } from './sync-context.js';

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
  syncRecords: (records: CrmRecord[]) => Promise<number>,
  removeLeavers: (ids: string[]) => Promise<number>,
): Promise<number> {
  const joiners = await ctx.states.neverSynced(ctx.tenantId, [...members]);
  let enqueued = 0;
  const source = ctx.dataverse.contactsByIds(joiners, ctx.mapper.crmRead);
  for await (const page of source) enqueued += await syncRecords(page);
  const leavers = (await ctx.states.idsInMailplus(ctx.tenantId)).filter((id) => !members.has(id));
  if (leavers.length > 0) enqueued += await removeLeavers(leavers);
  return enqueued;
}
