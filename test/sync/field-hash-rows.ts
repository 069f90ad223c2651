import type { SyncHarness } from './sync-harness.js';
import { TENANT } from './sync-harness.js';

/** One stored hash of one contact: which field, and where in the state it sits. */
export interface StoredHash {
  contactId: string;
  field: string;
  hash: string;
}

/** Every field hash koppel stores for the tenant, read from `sync_contacts` directly. */
export async function storedHashes(h: SyncHarness): Promise<StoredHash[]> {
  const rows = await h.t.app.store.db
    .selectFrom('sync_contacts')
    .selectAll()
    .where('tenant_id', '=', TENANT)
    .execute();
  return rows.flatMap((row) => {
    const of = (field: string, hash: string) => ({ contactId: row.contact_id, field, hash });
    const synced = Object.entries(JSON.parse(row.synced) as Record<string, string>);
    const seen = [row.seen_dataverse, row.seen_mailplus].flatMap((json) =>
      Object.entries(JSON.parse(json) as Record<string, string>),
    );
    const sent = Object.entries(JSON.parse(row.sent_mailplus) as Record<string, string[]>);
    return [
      // "d:<hash>" / "m:<hash>": the side in front, the hash after it.
      ...synced.map(([field, entry]) => of(field, entry.slice(2))),
      ...seen.map(([field, hash]) => of(field, hash)),
      ...sent.flatMap(([field, hashes]) => hashes.map((hash) => of(field, hash))),
    ];
  });
}

/** field + hash -> the contacts that store it. */
export function contactsByHash(hashes: StoredHash[]): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>();
  for (const { contactId, field, hash } of hashes) {
    const key = `${field} ${hash}`;
    by.set(key, (by.get(key) ?? new Set()).add(contactId));
  }
  return by;
}

/** The hashes of one contact. */
export async function hashesOf(h: SyncHarness, contactId: string): Promise<string[]> {
  return (await storedHashes(h)).filter((s) => s.contactId === contactId).map((s) => s.hash);
}
