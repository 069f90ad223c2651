import {
  type CrmActivity,
  type CrmActivityOutcome,
  type CrmActivityTarget,
  type CrmChangePage,
  type CrmChangeRead,
  CrmFeedExpiredError,
  type CrmPort,
  type CrmReadSpec,
  type CrmRecord,
  type CrmWrite,
  type CrmWriteOutcome,
} from '../../src/sync/ports/index.js';

/**
 * The CRM port in memory: a change log with versions as positions, for testing the sync's logic in
 * milliseconds. It keeps the port's promises (the contract suite runs on it and on Dataverse's adapter).
 */
export class InMemoryCrm implements CrmPort {
  readonly #contacts = new Map<string, Record<string, unknown>>();
  readonly #lists = new Map<string, Set<string>>();
  /** id -> version of its last change; deletions keep a tombstone. */
  readonly #changes = new Map<string, { version: number; deleted: boolean }>();
  /** Activities by key, as an alternate key would keep them: one row per key. */
  readonly #activities = new Map<string, CrmActivity & { target: CrmActivityTarget['kind'] }>();
  #version = 0;
  #oldestPosition = 0;
  #next = 0;

  create(fields: Record<string, unknown>): string {
    const id = `00000000-0000-4000-8000-${String(++this.#next).padStart(12, '0')}`;
    this.#contacts.set(id, { ...fields, contactid: id });
    this.#touch(id, false);
    return id;
  }

  update(id: string, fields: Record<string, unknown>): void {
    Object.assign(this.#contacts.get(id)!, fields);
    this.#touch(id, false);
  }

  delete(id: string): void {
    this.#contacts.delete(id);
    this.#touch(id, true);
  }

  get(id: string): Record<string, unknown> | undefined {
    return this.#contacts.get(id);
  }

  addToList(listId: string, id: string): void {
    const members = this.#lists.get(listId) ?? new Set();
    members.add(id);
    this.#lists.set(listId, members);
  }

  /** Forgets every position handed out so far, as a CRM does after its change-tracking window. */
  expirePositions(): void {
    this.#oldestPosition = this.#version;
  }

  async *changes(read: CrmChangeRead): AsyncIterable<CrmChangePage> {
    const since = read.from === null ? -1 : Number(read.from.split(':')[1]);
    if (read.from !== null && since < this.#oldestPosition) throw new CrmFeedExpiredError('position expired');
    const until = this.#version;
    const changed = [...this.#changes].filter(([, c]) => c.version > since && c.version <= until);
    const live = changed.filter(([, c]) => !c.deleted || read.from !== null);
    for (let i = 0; i < Math.max(live.length, 1); i += read.pageSize) {
      const slice = live.slice(i, i + read.pageSize);
      const last = i + read.pageSize >= live.length;
      yield {
        upserts: slice.filter(([, c]) => !c.deleted).map(([id]) => this.#record(id, read)),
        deletes: slice.filter(([, c]) => c.deleted).map(([id]) => id),
        resumeAt: last ? null : `page:${since}:${i + read.pageSize}`,
        nextRound: last ? `v:${until}` : null,
      };
    }
  }

  async *contactsByIds(ids: readonly string[], read: CrmReadSpec): AsyncIterable<CrmRecord[]> {
    const found = ids.filter((id) => this.#contacts.has(id));
    if (found.length > 0) yield found.map((id) => this.#record(id, read));
  }

  async *listMemberIds(listId: string, pageSize: number): AsyncIterable<string[]> {
    const members = [...(this.#lists.get(listId) ?? [])];
    for (let i = 0; i < members.length; i += pageSize) yield members.slice(i, i + pageSize);
  }

  async updateMany(writes: readonly CrmWrite[]): Promise<CrmWriteOutcome[]> {
    return writes.map((w) => {
      if (!this.#contacts.has(w.id))
        return { ok: false, notFound: true, error: new Error('no such contact') };
      this.update(w.id, w.fields);
      return { ok: true };
    });
  }

  /** Every activity written, one per key. */
  activities(): Array<CrmActivity & { target: CrmActivityTarget['kind'] }> {
    return [...this.#activities.values()];
  }

  async upsertActivities(
    activities: readonly CrmActivity[],
    target: CrmActivityTarget,
  ): Promise<CrmActivityOutcome[]> {
    return activities.map((activity) => {
      if (!this.#contacts.has(activity.contactId))
        return { ok: false, contactMissing: true, error: new Error('no such contact') };
      this.#activities.set(activity.key, { ...activity, target: target.kind });
      return { ok: true };
    });
  }

  async close(): Promise<void> {}

  #record(id: string, read: CrmReadSpec): CrmRecord {
    const row = this.#contacts.get(id)!;
    return { id, fields: Object.fromEntries(read.fields.filter((f) => f in row).map((f) => [f, row[f]])) };
  }

  #touch(id: string, deleted: boolean): void {
    this.#changes.set(id, { version: ++this.#version, deleted });
  }
}
