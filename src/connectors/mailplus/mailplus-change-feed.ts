import { type Clock, systemClock } from '../../clock.js';
import type { MailplusClient } from './mailplus-client.js';
import type { MailplusContact } from './mailplus-types.js';
import { RecentChanges, Recorder } from './recent-changes.js';

/**
 * Reads `GET /contact/updates/list` window after window. Mail+ has no webhooks and no change token,
 * only a time window, and a change can become visible in the feed a little after its `lastChanged`
 * (and a contact changed while we page moves behind our cursor). Windows therefore overlap, as
 * MailPlus's own connector does (it reads 2 h every hour, spotler.md §3.3): every moment is read again
 * once it is `overlapMs` old, so a change that shows up to `overlapMs` late is still seen.
 *
 * When the overlap is long (300 s in production), re-reading all of it every round is what made live
 * rounds slow after a large load: each re-read the load's last minutes of koppel's own writes. So each
 * round reads the recent past with a short head overlap (`headOverlapMs`, which catches the usual lag
 * at once), and once per `recheckEveryMs` re-reads the slice that has just become `overlapMs` old (the
 * "recheck", which catches the rare late one). Each moment is thus read about twice instead of
 * overlap / poll interval times, and a change that lags by more than the head overlap arrives once its
 * moment is rechecked, never later than with one long overlap plus `recheckEveryMs`.
 *
 * Contacts already yielded are recognised by (externalId, lastChanged) and not yielded twice: those
 * the next head window can return again are part of the checkpoint (so that survives a restart), and
 * all of the overlap's are remembered in memory (RecentChanges) for the recheck.
 */
export interface ChangeFeedCheckpoint {
  /** Epoch ms: where the last completed window ended. */
  until: number;
  /** `${externalId}@${lastChanged}` of changes already yielded that the next window will see again. */
  seen: string[];
  /**
   * Epoch ms: everything before it has been read again after it was `overlapMs` old. Absent in
   * checkpoints written before the recheck existed: `until - overlapMs` then.
   */
  matured?: number;
}

export interface ChangeFeedOptions {
  /** Must exceed the service's visibility lag plus clock skew; default 10 minutes. */
  overlapMs?: number;
  /**
   * How far each round's window reaches back; default min(overlapMs, 10 s). When it is the overlap
   * itself there is no recheck (every window re-reads the whole overlap, as before).
   */
  headOverlapMs?: number;
  /** How often the slice that became `overlapMs` old is read again; default 10 s. */
  recheckEveryMs?: number;
  /** At most this many changes are remembered for the next window; default 10,000. */
  rememberAtMost?: number;
  /** Contacts per page; default the client's (the largest the service accepts). */
  pageSize?: number;
  clock?: Clock;
}

const HEAD_OVERLAP_MS = 10_000;
const RECHECK_EVERY_MS = 10_000;

export class MailplusChangeFeed {
  readonly #client: MailplusClient;
  readonly #overlapMs: number;
  readonly #headMs: number;
  readonly #recheckEveryMs: number;
  readonly #pageSize: number | undefined;
  readonly #clock: Clock;
  readonly #rememberAtMost: number;
  readonly #recent = new RecentChanges();
  /** How far Mail+'s clock is ahead of koppel's (negative: behind), by its last Date header. */
  #serviceAheadMs = 0;

  constructor(client: MailplusClient, options: ChangeFeedOptions = {}) {
    this.#client = client;
    this.#overlapMs = options.overlapMs ?? 10 * 60_000;
    this.#headMs = Math.min(this.#overlapMs, options.headOverlapMs ?? HEAD_OVERLAP_MS);
    this.#recheckEveryMs = options.recheckEveryMs ?? RECHECK_EVERY_MS;
    this.#rememberAtMost = options.rememberAtMost ?? 10_000;
    this.#pageSize = options.pageSize;
    this.#clock = options.clock ?? systemClock;
  }

  /** The checkpoint for a first run that should read changes from `fromMs` on. */
  static startingAt(fromMs: number): ChangeFeedCheckpoint {
    // Nothing before the start needs a recheck: the first head window reaches back from it already.
    return { until: fromMs, seen: [], matured: fromMs };
  }

  /** Learns Mail+'s clock from a Date header it sent (a page's serviceTime). */
  observeServiceTime(serviceTime: number | undefined): void {
    if (serviceTime !== undefined) this.#serviceAheadMs = serviceTime - this.#clock.now();
  }

  /** Changes held in memory for the recheck (for tests and the benchmark). */
  get remembered(): number {
    return this.#recent.size;
  }

  /**
   * One pass: the recheck window when one is due, then the head window from the checkpoint (minus
   * the head overlap) to now. Iterate it, then read `.checkpoint`.
   */
  read(checkpoint: ChangeFeedCheckpoint): ChangeFeedPass {
    // Up to Mail+'s now when its clock is ahead: a change it stamped in koppel's future is read at
    // once instead of when koppel's clock gets there. The Date header drops the milliseconds, so Mail+
    // may be up to a second further ahead; ending a window a little in Mail+'s future costs nothing.
    const toMs = this.#clock.now() + Math.max(0, this.#serviceAheadMs + 999);
    const fromMs = Math.max(0, Math.min(checkpoint.until, toMs) - this.#headMs);
    const matured = checkpoint.matured ?? checkpoint.until - this.#overlapMs;
    // Up to the moment that is now overlapMs old by the last window's end (on Mail+'s clock).
    const ripe = Math.min(checkpoint.until, toMs) - this.#overlapMs;
    const rechecking = this.#headMs < this.#overlapMs;
    // A recheck that has fallen behind (after a round as long as a large first load) catches up a
    // slice at a time, twice as fast as time passes between passes: one pass rechecking minutes of a
    // load's writes at once would stall the live rounds behind it.
    const span = Math.max(this.#recheckEveryMs, 2 * (toMs - checkpoint.until));
    const recheck =
      rechecking && ripe - matured >= this.#recheckEveryMs
        ? { fromMs: Math.max(0, matured), toMs: Math.min(ripe, Math.max(0, matured) + span) }
        : null;
    return new ChangeFeedPass(this.#client, {
      fromMs,
      toMs,
      recheck,
      matured: rechecking ? (recheck?.toMs ?? matured) : undefined,
      pageSize: this.#pageSize,
      seen: new Set(checkpoint.seen),
      recent: this.#recent,
      headMs: this.#headMs,
      rememberAtMost: this.#rememberAtMost,
      onServiceTime: (serviceTime) => this.observeServiceTime(serviceTime),
    });
  }
}

interface PassPlan {
  /** The head window. */
  fromMs: number;
  toMs: number;
  /** The slice read again now that it is overlapMs old; null when none is due. */
  recheck: { fromMs: number; toMs: number } | null;
  /** `matured` of the checkpoint after this pass; undefined when the feed does no rechecks. */
  matured: number | undefined;
  pageSize: number | undefined;
  seen: Set<string>;
  recent: RecentChanges;
  headMs: number;
  onServiceTime: (serviceTime: number | undefined) => void;
  /**
   * A cap on what the checkpoint remembers: the overlap after a large load can hold hundreds of
   * thousands of changes. One not remembered is yielded again by the next window after a restart,
   * where the sync drops it as an echo (its hash is already agreed): a little work, never a lost or
   * doubled change.
   */
  rememberAtMost: number;
}

export class ChangeFeedPass implements AsyncIterable<MailplusContact> {
  readonly #client: MailplusClient;
  readonly #plan: PassPlan;
  readonly #yielded = new Recorder();
  #done = false;
  #recorded = false;
  /** Where this window really ended, on the service's clock when known (see #anchor). */
  #until: number;

  constructor(client: MailplusClient, plan: PassPlan) {
    this.#client = client;
    this.#plan = plan;
    this.#until = plan.toMs;
  }

  /** Where the next head window will start; changes before it it cannot return again. */
  get #nextFromMs(): number {
    return this.#until - this.#plan.headMs;
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

  /** The head window. */
  get window(): { fromMs: number; toMs: number } {
    return { fromMs: this.#plan.fromMs, toMs: this.#plan.toMs };
  }

  /** The slice this pass read again because it became overlapMs old; null when none was due. */
  get recheck(): { fromMs: number; toMs: number } | null {
    return this.#plan.recheck;
  }

  /**
   * Only meaningful once iteration has finished; persist it after the changes are durably queued.
   * Reading it also commits what this pass yielded to the in-memory memory of recent changes.
   */
  get checkpoint(): ChangeFeedCheckpoint {
    if (!this.#done) throw new Error('The change feed window has not been read to the end yet');
    const { seen, rememberAtMost, matured, recent } = this.#plan;
    const nextFromMs = this.#nextFromMs;
    if (!this.#recorded) {
      this.#recorded = true;
      recent.add(this.#yielded);
      // No later window reads a change stamped before both the next head window and the next recheck.
      recent.forgetBefore(Math.min(nextFromMs, matured ?? nextFromMs));
    }
    const kept = [...seen]
      .map((key) => ({ key, at: Number(key.slice(key.lastIndexOf('@') + 1)) }))
      .filter(({ at }) => at >= nextFromMs)
      .sort((a, b) => b.at - a.at)
      .slice(0, rememberAtMost)
      .map(({ key }) => key);
    return matured === undefined
      ? { until: this.#until, seen: kept }
      : { until: this.#until, seen: kept, matured };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<MailplusContact> {
    const { recheck } = this.#plan;
    if (recheck) yield* this.#windowPages(recheck.fromMs, recheck.toMs, false);
    yield* this.#windowPages(this.#plan.fromMs, this.#plan.toMs, true);
    this.#done = true;
  }

  async *#windowPages(fromMs: number, toMs: number, head: boolean): AsyncGenerator<MailplusContact> {
    const { pageSize, seen, rememberAtMost, recent } = this.#plan;
    // The newest changes of this pass, in a ring: older ones make room (the set stays bounded).
    const ring: string[] = [];
    let remembered = 0;
    let after: number | undefined;
    do {
      const page = await this.#client.updatesPage({ fromMs, toMs, pageSize, after });
      if (head && after === undefined) this.#anchor(page.serviceTime);
      const nextFromMs = this.#nextFromMs;
      for (const contact of page.contacts) {
        const at = contact.lastChanged ?? 0;
        const key = `${contact.externalId}@${at}`;
        if (seen.has(key) || recent.has(contact.externalId, at)) continue;
        // Only what the next window can return again is remembered: a pass over a million changes
        // (the read-back of a first load) must not hold a key for each.
        if (head && at >= nextFromMs && rememberAtMost > 0) {
          const slot = remembered++ % rememberAtMost;
          if (ring[slot] !== undefined) seen.delete(ring[slot]);
          ring[slot] = key;
          seen.add(key);
        }
        // A recheck's slice is never read again; the head's is, by the next recheck.
        if (head) this.#yielded.record(contact.externalId, at);
        yield contact;
      }
      const next = page.paging?.after;
      after = page.contacts.length > 0 && next !== undefined && next !== after ? next : undefined;
    } while (after !== undefined);
  }
}
