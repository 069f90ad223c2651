import { type Clock, systemClock } from '../../clock.js';
import type { MailplusClient } from './mailplus-client.js';
import type { MailplusContact } from './mailplus-types.js';
import { nextWindow, type WindowCheckpoint, WindowPass, type WindowPlan } from './windowed-feed.js';

/**
 * Reads `GET /contact/updates/list` window after window. Mail+ has no webhooks and no change token,
 * only a time window, and a change can become visible in the feed a little after its `lastChanged`
 * (and a contact changed while we page moves behind our cursor). Each window therefore starts
 * `overlapMs` before the previous window's end, as MailPlus's own connector does (it reads 2 h every
 * hour, spotler.md §3.3). Contacts seen in the overlap are recognised by (externalId, lastChanged) and
 * not yielded twice; the memory of them is part of the checkpoint, so it survives a restart.
 */
export type ChangeFeedCheckpoint = WindowCheckpoint;

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
    const { fromMs, toMs } = nextWindow(checkpoint, this.#clock.now(), this.#serviceAheadMs, this.#overlapMs);
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

/** One window of the updates feed: the shared windowed reader over `GET /contact/updates/list`. */
export class ChangeFeedPass implements AsyncIterable<MailplusContact> {
  readonly #pass: WindowPass<MailplusContact>;

  constructor(client: MailplusClient, plan: WindowPlan & { pageSize: number | undefined }) {
    const { fromMs, toMs, pageSize } = plan;
    this.#pass = new WindowPass(
      async (after) => {
        const page = await client.updatesPage({ fromMs, toMs, pageSize, after });
        return { items: page.contacts, after: page.paging?.after, serviceTime: page.serviceTime };
      },
      (contact) => ({ key: contact.externalId, stamp: contact.lastChanged ?? 0 }),
      plan,
    );
  }

  get window(): { fromMs: number; toMs: number } {
    return this.#pass.window;
  }

  /** Only meaningful once iteration has finished; persist it after the changes are durably queued. */
  get checkpoint(): ChangeFeedCheckpoint {
    if (!this.#pass.done) throw new Error('The change feed window has not been read to the end yet');
    return this.#pass.checkpoint;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<MailplusContact> {
    for await (const page of this.#pass) yield* page;
  }
}
