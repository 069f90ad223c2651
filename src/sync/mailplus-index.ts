import type { Store } from '../store/open-store.js';
import { type Fence, fenced, NO_FENCE } from './fence.js';

/** What the first load needs to know of one existing Mail+ contact: ids, a keyed e-mail hash, consent. */
export interface IndexEntry {
  mailplusId: string;
  /** The keyed hash of the trimmed, lower-cased address; null for a contact without one. */
  emailHash: string | null;
  optedOut: boolean;
  /** Permission bits switched off. */
  offBits: number[];
}

const CHUNK = 500;

/** The index of existing Mail+ contacts, kept only while a tenant's first load runs. Never addresses. */
export class MailplusIndex {
  constructor(
    private readonly store: Store,
    private readonly fence: Fence = NO_FENCE,
  ) {}

  async clear(tenantId: string): Promise<void> {
    await fenced(this.store, this.fence, tenantId, (db) =>
      db.deleteFrom('sync_mailplus_index').where('tenant_id', '=', tenantId).execute(),
    );
  }

  async add(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    await fenced(this.store, this.fence, tenantId, async (db) => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        await db
          .insertInto('sync_mailplus_index')
          .values(
            entries.slice(i, i + CHUNK).map((e) => ({
              tenant_id: tenantId,
              mailplus_id: e.mailplusId,
              email_hash: e.emailHash,
              opted_out: e.optedOut ? 1 : 0,
              off_bits: JSON.stringify(e.offBits),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  }

  /** The entries whose Mail+ id, or whose e-mail hash, is one of `values`. */
  async find(
    tenantId: string,
    by: 'mailplusId' | 'emailHash',
    values: readonly string[],
  ): Promise<IndexEntry[]> {
    const column = by === 'mailplusId' ? 'mailplus_id' : 'email_hash';
    const found: IndexEntry[] = [];
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_mailplus_index')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(column, 'in', values.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) {
        found.push({
          mailplusId: row.mailplus_id,
          emailHash: row.email_hash,
          optedOut: row.opted_out === 1,
          offBits: JSON.parse(row.off_bits) as number[],
        });
      }
    }
    return found;
  }
}
