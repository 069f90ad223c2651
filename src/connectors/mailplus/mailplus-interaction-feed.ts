import { type Clock, systemClock } from '../../clock.js';
import {
  INTERACTION_TYPES,
  type InteractionType,
  type MarketingInteraction,
  type MarketingInteractionPass,
} from '../../sync/ports/index.js';
import type { WireInteraction } from './interaction-types.js';
import type { MailplusClient } from './mailplus-client.js';
import { nextWindow, type WindowCheckpoint, WindowPass } from './windowed-feed.js';

export interface InteractionFeedOptions {
  /** Must exceed the feeds' visibility lag plus clock skew; default 10 minutes (as the contact feed). */
  overlapMs?: number;
  /** Interactions remembered per feed for the next window; default 10,000. */
  rememberAtMost?: number;
  pageSize?: number;
  clock?: Clock;
}

/**
 * Reads the four `/mailing-interaction/*` feeds by change date, window after window, with the same
 * discipline as the contact feed (windowed-feed.ts): overlapping windows, duplicates in the overlap
 * recognised by (type, id, changeDate), and the window's end anchored to Mail+'s clock when it is
 * behind koppel's. The four feeds share one window, so one position covers them all.
 */
export class MailplusInteractionFeed {
  readonly #client: MailplusClient;
  readonly #overlapMs: number;
  readonly #rememberAtMost: number;
  readonly #pageSize: number | undefined;
  readonly #clock: Clock;
  #serviceAheadMs = 0;

  constructor(client: MailplusClient, options: InteractionFeedOptions = {}) {
    this.#client = client;
    this.#overlapMs = options.overlapMs ?? 10 * 60_000;
    this.#rememberAtMost = options.rememberAtMost ?? 10_000;
    this.#pageSize = options.pageSize;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Learns Mail+'s clock from a Date header (the port's serviceTime call, each feed's first page). Until
   * it knows, a window ends at koppel's now: what Mail+ stamped in koppel's future comes a pass later.
   */
  observeServiceTime(serviceTime: number | undefined): void {
    if (serviceTime !== undefined) this.#serviceAheadMs = serviceTime - this.#clock.now();
  }

  static startingAt(fromMs: number): WindowCheckpoint {
    return { until: fromMs, seen: [] };
  }

  read(checkpoint: WindowCheckpoint): InteractionFeedPass {
    const window = nextWindow(checkpoint, this.#clock.now(), this.#serviceAheadMs, this.#overlapMs);
    const passes = INTERACTION_TYPES.map((type) => {
      const prefix = `${type}:`;
      const seen = new Set(checkpoint.seen.filter((key) => key.startsWith(prefix)));
      return new WindowPass<WireInteraction>(
        async (after) => {
          const page = await this.#client.interactionsPage(type, {
            fromChangeMs: window.fromMs,
            toChangeMs: window.toMs,
            pageSize: this.#pageSize,
            after,
          });
          return { items: page.interactions, after: page.after, serviceTime: page.serviceTime };
        },
        (item) => ({ key: `${prefix}${item.id}`, stamp: item.changeDate }),
        {
          ...window,
          seen,
          overlapMs: this.#overlapMs,
          rememberAtMost: this.#rememberAtMost,
          onServiceTime: (serviceTime) => this.observeServiceTime(serviceTime),
        },
      );
    });
    return new InteractionFeedPass(passes);
  }
}

export class InteractionFeedPass implements MarketingInteractionPass {
  constructor(private readonly passes: ReadonlyArray<WindowPass<WireInteraction>>) {}

  /**
   * The four feeds' checkpoints as one: the earliest end (a feed anchored to an earlier service time
   * must not lose what lies after it) and every remembered key. Read it after iterating.
   */
  get checkpoint(): WindowCheckpoint {
    const parts = this.passes.map((pass) => pass.checkpoint);
    return { until: Math.min(...parts.map((p) => p.until)), seen: parts.flatMap((p) => p.seen) };
  }

  get position(): string {
    return JSON.stringify(this.checkpoint);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<MarketingInteraction[]> {
    for (const [i, pass] of this.passes.entries()) {
      const type = INTERACTION_TYPES[i]!;
      for await (const page of pass) yield page.map((item) => interactionOf(type, item));
    }
  }
}

function interactionOf(type: InteractionType, item: WireInteraction): MarketingInteraction {
  return {
    type,
    id: item.id,
    externalId: item.externalContactId,
    mailingId: item.encryptedMailingId,
    at: item.date,
    changedAt: item.changeDate,
    ...(item.url !== undefined ? { link: item.url } : {}),
    ...(item.bounceType ? { bounceType: item.bounceType === 'HARD' ? 'hard' : 'soft' } : {}),
    ...(item.name !== undefined ? { mailingName: item.name } : {}),
    ...(item.subject !== undefined ? { subject: item.subject } : {}),
  };
}
