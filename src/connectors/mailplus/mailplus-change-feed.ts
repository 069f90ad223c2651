import { type Clock, systemClock } from '../../clock.js';
import type { MailplusClient } from './mailplus-client.js';
import type { MailplusContact } from './mailplus-types.js';

/**
 * Reads `GET /contact/updates/list` window after window. Mail+ has no webhooks and no change token,
 * only a time window, and a change can become visible in the feed a little after its `lastChanged`
 * (and a contact changed while we page moves behind our cursor). Each window therefore starts
 * `overlapMs` before the previous window's end, as MailPlus's own connector does (it reads 2 h every
 * hour, spotler.md §3.3). Contacts seen in the overlap are recognised by (externalId, lastChanged) and
 * not yielded twice; the memory of them is part of the checkpoint, so it survives a restart.
 */
export interface ChangeFeedCheckpoint {
  /** Epoch ms: where the last completed window ended. */
  until: number;
  /** `${externalId}@${lastChanged}` of changes already yielded that the next window will see again. */
  seen: string[];
}

export interface ChangeFeedOptions {
  /** Must exceed the service's visibility lag plus clock skew; default 10 minutes. */
  overlapMs?: number;
  /** At most this many changes are remembered for the next window; default 10,000. */
  rememberAtMost?: number;
  /** Contacts per page; default the client's (the largest the service accepts). */
  pageSize?: number;
  clock?: Clock;
}

export class MailplusChangeFeed {
  readonly #client: MailplusClient;
  readonly #overlapMs: number;
  readonly #pageSize: number | undefined;
  readonly #clock: Clock;
  readonly #rememberAtMost: number;
  /** How far Mail+'s clock is ahead of koppel's (negative: behind), by its last Date header. */
  #serviceAheadMs = 0;

  constructor(client: MailplusClient, options: ChangeFeedOptions = {}) {
    this.#client = client;
    this.#overlapMs = options.overlapMs ?? 10 * 60_000;
    this.#rememberAtMost = options.rememberAtMost ?? 10_000;
    this.#pageSize = options.pageSize;
    this.#clock = options.clock ?? systemClock;
  }

  /** The checkpoint for a first run that should read changes from `fromMs` on. */
  static startingAt(fromMs: number): ChangeFeedCheckpoint {
    return { until: fromMs, seen: [] };
  }

  /** Learns Mail+'s clock from a Date header it sent (a page's serviceTime). */
  observeServiceTime(serviceTime: number | undefined): void {
    if (serviceTime !== undefined) this.#serviceAheadMs = serviceTime - this.#clock.now();
  }

  /** One window, from the checkpoint (minus the overlap) to now. Iterate it, then read `.checkpoint`. */
  read(checkpoint: ChangeFeedCheckpoint): ChangeFeedPass {
    // Up to Mail+'s now when its clock is ahead: a change it stamped in koppel's future is read at
    // once instead of when koppel's clock gets there. The Date header drops the milliseconds, so Mail+
    // may be up to a second further ahead; ending a window a little in Mail+'s future costs nothing.
    const toMs = this.#clock.now() + Math.max(0, this.#serviceAheadMs + 999);
    const fromMs = Math.max(0, Math.min(checkpoint.until, toMs) - this.#overlapMs);
    return new ChangeFeedPass(this.#client, {
      fromMs,
      toMs,
      pageSize: this.#pageSize,
      seen: new Set(checkpoint.seen),
      overlapMs: this.#overlapMs,
      rememberAtMost: this.#rememberAtMost,
      onServiceTime: (serviceTime) => this.observeServiceTime(serviceTime),
    });
  }
}

interface PassPlan {
  fromMs: number;
  toMs: number;
  pageSize: number | undefined;
  seen: Set<string>;
  overlapMs: number;
  onServiceTime: (serviceTime: number | undefined) => void;
  /**
   * A cap on what is remembered: the overlap after a large load can hold hundreds of thousands of
   * changes. One not remembered is yielded again by the next window, where the sync drops it as an
   * echo (its hash is already agreed): a little work, never a lost or doubled change.
   */
  rememberAtMost: number;
}

export class ChangeFeedPass implements AsyncIterable<MailplusContact> {
  readonly #client: MailplusClient;
  readonly #plan: PassPlan;
  #done = false;
  /** Where this window really ended, on the service's clock when known (see #anchor). */
  #until: number;

  constructor(client: MailplusClient, plan: PassPlan) {
    this.#client = client;
    this.#plan = plan;
    this.#until = plan.toMs;
  }

  /** Where the next window will start; changes before it cannot come back, so they are forgotten. */
  get #nextFromMs(): number {
    return this.#until - this.#plan.overlapMs;
  }

  /**
   * Mail+ stamps lastChanged with its own clock. When that clock is behind koppel's, a window that
   * "ends now" by koppel's clock has only seen changes up to the service's now: the next window must
   * start from there, or a change made just after this read lies before it and is lost for good,
   * whatever the overlap. A service clock ahead of koppel's needs nothing: its stamps lie after the
   * end and a later window reads them.
   */
  #anchor(serviceTime: number | undefined): void {
    this.#plan.onServiceTime(serviceTime);
    if (serviceTime !== undefined) this.#until = Math.min(this.#plan.toMs, serviceTime);
  }

  get window(): { fromMs: number; toMs: number } {
    return { fromMs: this.#plan.fromMs, toMs: this.#plan.toMs };
  }

  /** Only meaningful once iteration has finished; persist it after the changes are durably queued. */
  get checkpoint(): ChangeFeedCheckpoint {
    if (!this.#done) throw new Error('The change feed window has not been read to the end yet');
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

  async *[Symbol.asyncIterator](): AsyncIterator<MailplusContact> {
    const { fromMs, toMs, pageSize, seen, rememberAtMost } = this.#plan;
    // The newest changes of this pass, in a ring: older ones make room (the set stays bounded).
    const ring: string[] = [];
    let remembered = 0;
    let after: number | undefined;
    do {
      const page = await this.#client.updatesPage({ fromMs, toMs, pageSize, after });
      if (after === undefined) this.#anchor(page.serviceTime);
      const nextFromMs = this.#nextFromMs;
      for (const contact of page.contacts) {
        const key = `${contact.externalId}@${contact.lastChanged ?? 0}`;
        if (seen.has(key)) continue;
        // Only what the next window can return again is remembered: a pass over a million changes
        // (the read-back of a first load) must not hold a key for each.
        if ((contact.lastChanged ?? 0) >= nextFromMs && rememberAtMost > 0) {
          const slot = remembered++ % rememberAtMost;
          if (ring[slot] !== undefined) seen.delete(ring[slot]);
          ring[slot] = key;
          seen.add(key);
        }
        yield contact;
      }
      const next = page.paging?.after;
      after = page.contacts.length > 0 && next !== undefined && next !== after ? next : undefined;
    } while (after !== undefined);
    this.#done = true;
  }
}
