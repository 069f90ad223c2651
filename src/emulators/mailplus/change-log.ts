import type { Clock } from '../../clock.js';

/**
 * The order in which contacts last changed, behind `GET /contact/updates/list`. A contact appears once,
 * at its latest change; the `after` cursor is the sequence number of the last contact on a page.
 *
 * Boundary behaviour, modelled on what makes timestamp feeds lose changes (spotler.md §4, "missed
 * changes with timestamp cursors"): a change only becomes visible in the feed `lagMs` after its
 * lastChanged, as if the feed were served from a replica. A reader whose next window starts exactly
 * where the previous one ended misses a change made just before that boundary; a reader whose windows
 * overlap by more than the lag does not. Both window ends are inclusive.
 */
interface Entry {
  seq: number;
  externalId: string;
  at: number;
}

export interface UpdatesQuery {
  fromMs: number;
  toMs: number;
  after: number;
  pageSize: number;
}

export class ChangeLog {
  readonly #clock: Clock;
  readonly #lagMs: number;
  /** Append-only in seq order; an entry is stale once its contact has a newer seq. */
  #entries: Entry[] = [];
  readonly #latest = new Map<string, number>();
  #seq = 0;
  #lastAt = 0;

  constructor(clock: Clock, lagMs: number) {
    this.#clock = clock;
    this.#lagMs = lagMs;
  }

  /** Records a change now and returns its lastChanged; never earlier than the previous change. */
  record(externalId: string): number {
    const at = Math.max(this.#clock.now(), this.#lastAt);
    this.#lastAt = at;
    this.#seq += 1;
    this.#entries.push({ seq: this.#seq, externalId, at });
    this.#latest.set(externalId, this.#seq);
    if (this.#entries.length > 1024 && this.#entries.length > 2 * this.#latest.size) this.#compact();
    return at;
  }

  /** One page of externalIds, and the cursor for the next page when there is more. */
  query(query: UpdatesQuery): { externalIds: string[]; after?: number } {
    const visibleUntil = this.#clock.now() - this.#lagMs;
    const externalIds: string[] = [];
    let last = query.after;
    for (let i = this.#firstAfter(query.after); i < this.#entries.length; i++) {
      const entry = this.#entries[i]!;
      if (entry.at > query.toMs || entry.at > visibleUntil) break;
      if (this.#latest.get(entry.externalId) !== entry.seq || entry.at < query.fromMs) continue;
      if (externalIds.length === query.pageSize) return { externalIds, after: last };
      externalIds.push(entry.externalId);
      last = entry.seq;
    }
    return { externalIds };
  }

  #firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #compact(): void {
    this.#entries = this.#entries.filter((entry) => this.#latest.get(entry.externalId) === entry.seq);
  }
}
