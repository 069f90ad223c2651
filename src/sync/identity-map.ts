import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';

const CHUNK = 500;

/**
 * Links between a Dataverse contactid and the externalId of a Mail+ contact that existed before
 * koppel (matched by e-mail). Mail+ cannot change an externalId, so koppel translates: without a link
 * the externalId is the contactid.
 */
export class IdentityMap {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** contactid -> Mail+ externalId, for every id given. */
  async toMailplus(tenantId: string, contactIds: readonly string[]): Promise<Map<string, string>> {
    const links = new Map(contactIds.map((id) => [id, id]));
    for (let i = 0; i < contactIds.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_identities')
        .select(['contact_id', 'mailplus_id'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', contactIds.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) links.set(row.contact_id, row.mailplus_id);
    }
    return links;
  }

  /** Mail+ externalId -> contactid, for every id given. */
  async toDataverse(tenantId: string, mailplusIds: readonly string[]): Promise<Map<string, string>> {
    const links = new Map(mailplusIds.map((id) => [id, id]));
    for (let i = 0; i < mailplusIds.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_identities')
        .select(['contact_id', 'mailplus_id'])
        .where('tenant_id', '=', tenantId)
        .where('mailplus_id', 'in', mailplusIds.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) links.set(row.mailplus_id, row.contact_id);
    }
    return links;
  }

  async link(tenantId: string, links: ReadonlyMap<string, string>): Promise<void> {
    const now = this.clock.now();
    const rows = [...links].map(([contact_id, mailplus_id]) => ({
      tenant_id: tenantId,
      contact_id,
      mailplus_id,
      linked_at: now,
    }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.store.db
        .insertInto('sync_identities')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
}
