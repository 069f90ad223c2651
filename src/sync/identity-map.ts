import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import { type Fence, fenced, NO_FENCE } from './fence.js';

const CHUNK = 500;

type LinkColumn = 'contact_id' | 'mailplus_id';

/**
 * Links between a Dataverse contactid and the externalId of a Mail+ contact that existed before
 * koppel (matched by e-mail). Mail+ cannot change an externalId, so koppel translates: without a link
 * the externalId is the contactid.
 */
export class IdentityMap {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly fence: Fence = NO_FENCE,
  ) {}

  /** contactid -> Mail+ externalId, for every id given. */
  async toMailplus(tenantId: string, contactIds: readonly string[]): Promise<Map<string, string>> {
    const links = new Map(contactIds.map((id) => [id, id]));
    for (const row of await this.#rows(tenantId, 'contact_id', contactIds))
      links.set(row.contact_id, row.mailplus_id);
    return links;
  }

  /** Mail+ externalId -> contactid, for every id given. */
  async toDataverse(tenantId: string, mailplusIds: readonly string[]): Promise<Map<string, string>> {
    const links = new Map(mailplusIds.map((id) => [id, id]));
    for (const [mailplusId, contactId] of await this.linkedTo(tenantId, mailplusIds))
      links.set(mailplusId, contactId);
    return links;
  }

  /** Mail+ externalId -> the contactid it is linked to, only for the ids that have a link. */
  async linkedTo(tenantId: string, mailplusIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.#rows(tenantId, 'mailplus_id', mailplusIds);
    return new Map(rows.map((row) => [row.mailplus_id, row.contact_id]));
  }

  /**
   * Stores the links and returns the contactids whose link was refused because their Mail+ contact is
   * already linked to another Dataverse contact (or they to another Mail+ contact). One Mail+ contact
   * never stands for two people: the caller must report the refused ones, not write them.
   */
  async link(tenantId: string, links: ReadonlyMap<string, string>): Promise<string[]> {
    const now = this.clock.now();
    const rows = [...links].map(([contact_id, mailplus_id]) => ({
      tenant_id: tenantId,
      contact_id,
      mailplus_id,
      linked_at: now,
    }));
    await fenced(this.store, this.fence, tenantId, async (db) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('sync_identities')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
    const stored = await this.toMailplus(tenantId, [...links.keys()]);
    return [...links]
      .filter(([contactId, mailplusId]) => stored.get(contactId) !== mailplusId)
      .map(([id]) => id);
  }

  async #rows(tenantId: string, column: LinkColumn, ids: readonly string[]) {
    const found: Array<{ contact_id: string; mailplus_id: string }> = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_identities')
        .select(['contact_id', 'mailplus_id'])
        .where('tenant_id', '=', tenantId)
        .where(column, 'in', ids.slice(i, i + CHUNK))
        .execute();
      found.push(...rows);
    }
    return found;
  }
}
