import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import type { Store, WriteOptions } from '../store/open-store.js';
import type { Database, SyncContactsTable } from '../store/schema.js';
import { type Fence, fenced, NO_FENCE } from './fence.js';

/** What koppel remembers of one contact: keyed hashes per field and the person's consent; no values. */
export interface ContactState {
  contactId: string;
  /** field -> hash of the value both sides last agreed on. */
  synced: Record<string, string>;
  /** field -> hash of the value last read from each side. */
  seenDataverse: Record<string, string>;
  seenMailplus: Record<string, string>;
  inMailplus: boolean;
  optedOut: boolean;
  /** Permission bits the person switched off in Mail+; koppel never switches them on again. */
  withdrawnBits: number[];
  /**
   * field -> hashes of values queued for Mail+ and not yet recorded as written. Found in Mail+ without
   * a record (a crash came between the write and its record), such a value is koppel's own write, not
   * a person's edit.
   */
  sentMailplus: Record<string, string[]>;
}

export function emptyState(contactId: string): ContactState {
  return {
    contactId,
    synced: {},
    seenDataverse: {},
    seenMailplus: {},
    inMailplus: false,
    optedOut: false,
    withdrawnBits: [],
    sentMailplus: {},
  };
}

const CHUNK = 500;

/**
 * Contact state, read and changed inside one write transaction so a poller and a deliverer working on
 * the same contact (even in two processes) never overwrite each other's changes.
 */
export class ContactStateStore {
  /**
   * `upgrade` brings a state read from the store to the current form of its hashes (see
   * hash-upgrade.ts) before anyone compares them; by default states are taken as stored.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly upgrade: (state: ContactState) => void = () => {},
    private readonly fence: Fence = NO_FENCE,
  ) {}

  /**
   * `options.durable: false` for records whose loss on power failure the caller tolerates (see
   * WriteOptions): a deliverer's record of a write, committed before the queue settles the message, so
   * a lost record always comes with a lost settlement and the message is delivered again.
   */
  async update<T>(
    tenantId: string,
    ids: readonly string[],
    change: (states: Map<string, ContactState>) => T,
    options?: WriteOptions,
  ): Promise<T> {
    const unique = [...new Set(ids)];
    return this.store.writeTransaction(async (trx) => {
      await this.fence.check(trx, tenantId);
      const states = await this.#load(trx, tenantId, unique, true);
      // Taken before the upgrade, so a state read in an old form is written back in the new one.
      const before = new Map([...states].map(([id, state]) => [id, JSON.stringify(state)]));
      for (const state of states.values()) this.upgrade(state);
      const result = change(states);
      // Only what changed is written: an echo (nothing new) costs a read, not a write.
      const dirty = [...states.values()].filter(
        (state) => JSON.stringify(state) !== before.get(state.contactId),
      );
      await this.#save(trx, tenantId, dirty);
      return result;
    }, options);
  }

  /** A snapshot for reading only (no lock); missing contacts come back as empty states. */
  async getMany(tenantId: string, ids: readonly string[]): Promise<Map<string, ContactState>> {
    const states = await this.#load(this.store.db, tenantId, [...new Set(ids)], false);
    for (const state of states.values()) this.upgrade(state);
    return states;
  }

  /** Stamps the contacts full resync `generation` has read (those koppel keeps a state for). */
  async markResyncSeen(tenantId: string, ids: readonly string[], generation: number): Promise<void> {
    await fenced(this.store, this.fence, tenantId, async (db) => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db
          .updateTable('sync_contacts')
          .set({ resync_seen: generation })
          .where('tenant_id', '=', tenantId)
          .where('contact_id', 'in', ids.slice(i, i + CHUNK))
          .execute();
      }
    });
  }

  /**
   * Up to `limit` contacts in Mail+ that resync `generation` did not read, in id order after `after`:
   * a page of the ones deleted in Dataverse while the change token was expired.
   */
  async resyncUnseen(
    tenantId: string,
    generation: number,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    let query = this.store.db
      .selectFrom('sync_contacts')
      .select('contact_id')
      .where('tenant_id', '=', tenantId)
      .where('in_mailplus', '=', 1)
      .where((eb) => eb.or([eb('resync_seen', 'is', null), eb('resync_seen', '!=', generation)]))
      .orderBy('contact_id')
      .limit(limit);
    if (after !== null) query = query.where('contact_id', '>', after);
    return (await query.execute()).map((row) => row.contact_id);
  }

  /** Of `ids`, those koppel has never read from Dataverse nor linked in Mail+ (new to the sync). */
  async neverSynced(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const fresh: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await this.store.db
        .selectFrom('sync_contacts')
        .select(['contact_id', 'seen_dataverse', 'in_mailplus'])
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', chunk)
        .execute();
      const known = new Map(rows.map((r) => [r.contact_id, r]));
      for (const id of chunk) {
        const row = known.get(id);
        if (!row || (row.in_mailplus === 0 && row.seen_dataverse === '{}')) fresh.push(id);
      }
    }
    return fresh;
  }

  /** Every contact of the tenant that koppel keeps in Mail+. */
  async idsInMailplus(tenantId: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('sync_contacts')
      .select('contact_id')
      .where('tenant_id', '=', tenantId)
      .where('in_mailplus', '=', 1)
      .execute();
    return rows.map((r) => r.contact_id);
  }

  /** A generation no earlier resync of the tenant stamped, so none of its stamps counts as seen. */
  async nextResyncGeneration(tenantId: string): Promise<number> {
    const row = await this.store.db
      .selectFrom('sync_contacts')
      .select((eb) => eb.fn.max('resync_seen').as('last'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(row?.last ?? 0) + 1;
  }

  async #load(
    db: Kysely<Database>,
    tenantId: string,
    ids: readonly string[],
    lock: boolean,
  ): Promise<Map<string, ContactState>> {
    const states = new Map<string, ContactState>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      let query = db
        .selectFrom('sync_contacts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', ids.slice(i, i + CHUNK));
      if (lock && this.store.dialect === 'postgres') query = query.forUpdate();
      for (const row of await query.execute()) states.set(row.contact_id, fromRow(row));
    }
    for (const id of ids) if (!states.has(id)) states.set(id, emptyState(id));
    return states;
  }

  async #save(db: Kysely<Database>, tenantId: string, states: ContactState[]): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i < states.length; i += CHUNK) {
      const rows = states.slice(i, i + CHUNK).map((s) => toRow(tenantId, s, now));
      if (rows.length === 0) continue;
      await db
        .insertInto('sync_contacts')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'contact_id']).doUpdateSet((eb) => ({
            synced: eb.ref('excluded.synced'),
            seen_dataverse: eb.ref('excluded.seen_dataverse'),
            seen_mailplus: eb.ref('excluded.seen_mailplus'),
            in_mailplus: eb.ref('excluded.in_mailplus'),
            opted_out: eb.ref('excluded.opted_out'),
            withdrawn_bits: eb.ref('excluded.withdrawn_bits'),
            sent_mailplus: eb.ref('excluded.sent_mailplus'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }
}

function fromRow(row: Selectable<SyncContactsTable>): ContactState {
  return {
    contactId: row.contact_id,
    synced: JSON.parse(row.synced),
    seenDataverse: JSON.parse(row.seen_dataverse),
    seenMailplus: JSON.parse(row.seen_mailplus),
    inMailplus: row.in_mailplus === 1,
    optedOut: row.opted_out === 1,
    withdrawnBits: JSON.parse(row.withdrawn_bits),
    sentMailplus: JSON.parse(row.sent_mailplus),
  };
}

function toRow(tenantId: string, s: ContactState, now: number): Insertable<SyncContactsTable> {
  return {
    tenant_id: tenantId,
    contact_id: s.contactId,
    synced: JSON.stringify(s.synced),
    seen_dataverse: JSON.stringify(s.seenDataverse),
    seen_mailplus: JSON.stringify(s.seenMailplus),
    in_mailplus: s.inMailplus ? 1 : 0,
    opted_out: s.optedOut ? 1 : 0,
    withdrawn_bits: JSON.stringify(s.withdrawnBits),
    sent_mailplus: JSON.stringify(s.sentMailplus),
    updated_at: now,
  };
}
