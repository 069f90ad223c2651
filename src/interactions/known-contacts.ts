import type { Store } from '../store/open-store.js';

const CHUNK = 500;

/**
 * Which contactids koppel has ever held for a tenant (a row in sync_contacts), to tell an interaction
 * of a contact koppel removed from one of a contact it never linked. Both are skipped; they are
 * counted apart so the status says which.
 */
export class KnownContacts {
  constructor(private readonly store: Store) {}

  async known(tenantId: string, contactIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(contactIds)];
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_contacts')
        .select('contact_id')
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.add(row.contact_id);
    }
    return found;
  }
}
