import type { Clock, Random } from '../../clock.js';
import { compareNonNull } from './odata-filter.js';

export type Row = Record<string, unknown>;

export interface Tombstone {
  id: string;
  /** The row version the delete was given; deltas after it report the delete. */
  version: number;
  deletedAt: number;
}

export interface ListRecord {
  listid: string;
  listname: string;
  /** Member type: 1 account, 2 contact, 4 lead. The emulator keeps contact lists only. */
  createdfromcode: number;
  /** false = static. */
  type: boolean;
  statecode: number;
}

/**
 * The emulator's in-memory organisation: contacts with row versions, tombstones for change tracking,
 * accounts (for parentcustomerid) and marketing lists. Writes inside `transaction` are undone together
 * when it throws, which is how a $batch change set rolls back.
 */
export class DataverseStore {
  readonly contacts = new Map<string, Row>();
  readonly accounts = new Map<string, { accountid: string; name: string }>();
  readonly lists = new Map<string, ListRecord>();
  readonly members = new Map<string, Set<string>>();
  readonly tombstones: Tombstone[] = [];
  /** Campaigns (for campaign responses): id -> name. */
  readonly campaigns = new Map<string, string>();
  /** Activity tables with the alternate key koppel_key: entity set -> key -> row. */
  readonly #activities = new Map<string, Map<string, Row>>();
  /** How many synthetic people were seeded, so a later seed continues with new people. */
  seededPeople = 0;
  #version: number;
  readonly #accountByName = new Map<string, string>();
  /** Contact ids in ascending order, for paging; dropped whenever a contact is added or removed. */
  #ordered: string[] | null = null;
  #undo: Array<() => void> | null = null;
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(clock: Clock, random: Random, firstVersion = 1_000_000) {
    this.#clock = clock;
    this.#random = random;
    this.#version = firstVersion;
  }

  get currentVersion(): number {
    return this.#version;
  }

  newId(): string {
    return this.#random.uuid();
  }

  /** Writes a whole row, stamping versionnumber and modifiedon (and createdon for a new row). */
  put(id: string, fields: Row): Row {
    const before = this.contacts.get(id);
    const now = new Date(this.#clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const row: Row = {
      ...(before ?? { createdon: now }),
      ...fields,
      contactid: id,
      modifiedon: now,
      versionnumber: ++this.#version,
    };
    row.fullname = [row.firstname, row.lastname].filter((p) => typeof p === 'string' && p).join(' ');
    this.contacts.set(id, row);
    if (!before) this.#ordered = null;
    this.#record(() => {
      if (before) this.contacts.set(id, before);
      else this.#forget(id);
    });
    return row;
  }

  /**
   * Contact ids in the order of an `$orderby`-less read (contactid ascending, compared as `$orderby`
   * compares strings), kept between pages so paging a million contacts is not a sort per page.
   */
  idsInOrder(): readonly string[] {
    this.#ordered ??= [...this.contacts.keys()].sort(compareNonNull);
    return this.#ordered;
  }

  #forget(id: string): void {
    this.contacts.delete(id);
    this.#ordered = null;
  }

  delete(id: string): boolean {
    const before = this.contacts.get(id);
    if (!before) return false;
    this.#forget(id);
    const tombstone = { id, version: ++this.#version, deletedAt: this.#clock.now() };
    this.tombstones.push(tombstone);
    const memberOf = [...this.members.entries()]
      .filter(([, set]) => set.delete(id))
      .map(([listId]) => listId);
    this.#record(() => {
      this.contacts.set(id, before);
      this.#ordered = null;
      this.tombstones.splice(this.tombstones.indexOf(tombstone), 1);
      for (const listId of memberOf) this.members.get(listId)?.add(id);
    });
    return true;
  }

  /** The account with this name, created when new. By name in a map: seeding a million contacts. */
  addAccount(name: string): string {
    const existing = this.#accountByName.get(name);
    if (existing) return existing;
    const accountid = this.newId();
    this.accounts.set(accountid, { accountid, name });
    this.#accountByName.set(name, accountid);
    return accountid;
  }

  addList(listname: string): ListRecord {
    const list = { listid: this.newId(), listname, createdfromcode: 2, type: false, statecode: 0 };
    this.lists.set(list.listid, list);
    this.members.set(list.listid, new Set());
    return list;
  }

  activityRows(entitySet: string): ReadonlyMap<string, Row> {
    return this.#activities.get(entitySet) ?? new Map();
  }

  putActivity(entitySet: string, key: string, row: Row): void {
    const rows = this.#activities.get(entitySet) ?? new Map<string, Row>();
    this.#activities.set(entitySet, rows);
    const before = rows.get(key);
    rows.set(key, row);
    this.#record(() => {
      if (before) rows.set(key, before);
      else rows.delete(key);
    });
  }

  /** Runs `work`; if it throws, every write it made is undone and the error is rethrown. */
  transaction<T>(work: () => T): T {
    const outer = this.#undo;
    const undo: Array<() => void> = [];
    this.#undo = undo;
    try {
      const result = work();
      outer?.push(...undo);
      return result;
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    } finally {
      this.#undo = outer;
    }
  }

  #record(step: () => void): void {
    this.#undo?.push(step);
  }
}
