/**
 * The reading discipline of every Mail+ feed that is paged by a time window (the contact updates feed,
 * the four mailing-interaction feeds). Mail+ has no change token, only a window, and an item can
 * become visible a little after its stamp (and an item changed while we page moves behind our cursor).
 * Each window therefore starts `overlapMs` before the previous window's end, as MailPlus's own connector
 * does (it reads 2 h every hour, spotler.md §3.3). Items seen in the overlap are recognised by their
 * key (id and stamp) and not yielded twice; the memory of them is part of the checkpoint, so it
 * survives a restart.
 */
export interface WindowCheckpoint {
  /** Epoch ms: where the last completed window ended. */
  until: number;
  /** `${key}@${stamp}` of items already yielded that the next window will see again. */
  seen: string[];
}

export interface WindowPlan {
  fromMs: number;
  toMs: number;
  seen: Set<string>;
  overlapMs: number;
  onServiceTime: (serviceTime: number | undefined) => void;
  /**
   * A cap on what is remembered: the overlap after a large load can hold hundreds of thousands of
   * items. One not remembered is yielded again by the next window, where its reader must find it
   * harmless (the sync drops it as an echo, the interactions feed upserts it by its key).
   */
  rememberAtMost: number;
}

/** One page as the service sent it: the items, the cursor of the next page, the Date header. */
export interface WindowPage<T> {
  items: T[];
  after?: number;
  serviceTime?: number;
}

/** Where the next window of a feed starts (minus the overlap), ending now or in the service's future. */
export function nextWindow(
  checkpoint: { until: number },
  nowMs: number,
  serviceAheadMs: number,
  overlapMs: number,
): { fromMs: number; toMs: number } {
  // Up to Mail+'s now when its clock is ahead: an item it stamped in koppel's future is read at once
  // instead of when koppel's clock gets there. The Date header drops the milliseconds, so Mail+ may be
  // up to a second further ahead; ending a window a little in Mail+'s future costs nothing.
  const toMs = nowMs + Math.max(0, serviceAheadMs + 999);
  return { fromMs: Math.max(0, Math.min(checkpoint.until, toMs) - overlapMs), toMs };
}

/** One window of one feed, page by page; iterate it to the end, then read `checkpoint`. */
export class WindowPass<T> implements AsyncIterable<T[]> {
  readonly #fetch: (after: number | undefined) => Promise<WindowPage<T>>;
  readonly #keyOf: (item: T) => { key: string; stamp: number };
  readonly #plan: WindowPlan;
  #done = false;
  /** Where this window really ended, on the service's clock when known (see #anchor). */
  #until: number;

  constructor(
    fetch: (after: number | undefined) => Promise<WindowPage<T>>,
    keyOf: (item: T) => { key: string; stamp: number },
    plan: WindowPlan,
  ) {
    this.#fetch = fetch;
    this.#keyOf = keyOf;
    this.#plan = plan;
    this.#until = plan.toMs;
  }

  /** Where the next window will start; items before it cannot come back, so they are forgotten. */
  get #nextFromMs(): number {
    return this.#until - this.#plan.overlapMs;
  }

  /**
   * Mail+ stamps items with its own clock. When that clock is behind koppel's, a window that "ends
   * now" by koppel's clock has only seen items up to the service's now: the next window must start
   * from there, or an item stamped just after this read lies before it and is lost for good, whatever
   * the overlap. A service clock ahead of koppel's needs nothing: its stamps lie after the end and a
   * later window reads them.
   */
  #anchor(serviceTime: number | undefined): void {
    this.#plan.onServiceTime(serviceTime);
    if (serviceTime !== undefined) this.#until = Math.min(this.#plan.toMs, serviceTime);
  }

  get window(): { fromMs: number; toMs: number } {
    return { fromMs: this.#plan.fromMs, toMs: this.#plan.toMs };
  }

  get done(): boolean {
    return this.#done;
  }

  /** Only meaningful once iteration has finished; persist it after the items are durably handled. */
  get checkpoint(): WindowCheckpoint {
    if (!this.#done) throw new Error('The feed window has not been read to the end yet');
    const { seen, rememberAtMost } = this.#plan;
    const nextFromMs = this.#nextFromMs;
    const kept = [...seen]
      .map((key) => ({ key, at: Number(key.slice(key.lastIndexOf('@') + 1)) }))
      .filter(({ at }) => at >= nextFromMs)
      .sort((a, b) => b.at - a.at)
      .slice(0, rememberAtMost)
      .map(({ key }) => key);
    return { until: this.#until, seen: kept };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T[]> {
    const { seen, rememberAtMost } = this.#plan;
    // The newest items of this pass, in a ring: older ones make room (the set stays bounded).
    const ring: string[] = [];
    let remembered = 0;
    let after: number | undefined;
    do {
      const page = await this.#fetch(after);
      if (after === undefined) this.#anchor(page.serviceTime);
      const nextFromMs = this.#nextFromMs;
      const fresh: T[] = [];
      for (const item of page.items) {
        const { key: id, stamp } = this.#keyOf(item);
        const key = `${id}@${stamp}`;
        if (seen.has(key)) continue;
        // Only what the next window can return again is remembered: a pass over a million items
        // (the read-back of a first load) must not hold a key for each.
        if (stamp >= nextFromMs && rememberAtMost > 0) {
          const slot = remembered++ % rememberAtMost;
          if (ring[slot] !== undefined) seen.delete(ring[slot]);
          ring[slot] = key;
          seen.add(key);
        }
        fresh.push(item);
      }
      if (fresh.length > 0) yield fresh;
      const next = page.after;
      after = page.items.length > 0 && next !== undefined && next !== after ? next : undefined;
    } while (after !== undefined);
    this.#done = true;
  }
}
