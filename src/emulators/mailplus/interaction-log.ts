import type { Clock, Random } from '../../clock.js';

export const EMULATED_INTERACTION_TYPES = ['sent', 'opened', 'clicked', 'bounced'] as const;
export type EmulatedInteractionType = (typeof EMULATED_INTERACTION_TYPES)[number];

export interface EmulatedMailing {
  encryptedId: string;
  name: string;
  subject: string;
  scheduledStartDate: number;
  links: Array<{ id: number; name: string; url: string }>;
}

/** One item of a `/mailing-interaction/*` feed, in its wire shape apart from the dates (epoch ms). */
export interface EmulatedInteraction {
  seq: number;
  id: number;
  externalContactId: string;
  encryptedMailingId: string;
  date: number;
  changeDate: number;
  bounceType?: 'HARD' | 'SOFT';
}

export interface InteractionQuery {
  fromChangeMs?: number;
  toChangeMs?: number;
  fromMs?: number;
  toMs?: number;
  after: number;
  pageSize: number;
}

/**
 * The account's mailings and the four interaction feeds behind `/mailing-interaction/*`, read by
 * change date (spotler.md §1.9). As the updates feed (change-log.ts), an item becomes visible only
 * `lagMs` after its changeDate, and `after` is the sequence number of the last item on a page. Items
 * are appended in changeDate order, so a window is found by binary search, not a scan.
 */
export class InteractionLog {
  readonly mailings = new Map<string, EmulatedMailing>();
  readonly #feeds = new Map<EmulatedInteractionType, EmulatedInteraction[]>(
    EMULATED_INTERACTION_TYPES.map((type) => [type, []]),
  );
  #seq = 0;
  #lastAt = 0;

  constructor(
    private readonly clock: Clock,
    readonly random: Random,
    private readonly lagMs: number,
  ) {}

  addMailing(name: string, subject: string, links: readonly string[] = []): EmulatedMailing {
    const encryptedId = this.random.uuid().replaceAll('-', '').slice(0, 20);
    const mailing: EmulatedMailing = {
      encryptedId,
      name,
      subject,
      scheduledStartDate: this.clock.now(),
      links: links.map((url, i) => ({ id: i + 1, name: `link ${i + 1}`, url })),
    };
    this.mailings.set(encryptedId, mailing);
    return mailing;
  }

  /** Records an interaction now (its date may lie earlier: Mail+ learns of an open after the fact). */
  record(
    type: EmulatedInteractionType,
    encryptedMailingId: string,
    externalContactId: string,
    extra: { date?: number; bounceType?: 'HARD' | 'SOFT' } = {},
  ): EmulatedInteraction {
    if (!this.mailings.has(encryptedMailingId)) throw new Error(`No mailing ${encryptedMailingId}`);
    const changeDate = Math.max(this.clock.now(), this.#lastAt);
    this.#lastAt = changeDate;
    const item: EmulatedInteraction = {
      seq: ++this.#seq,
      id: this.#seq,
      externalContactId,
      encryptedMailingId,
      date: extra.date ?? changeDate,
      changeDate,
      ...(extra.bounceType ? { bounceType: extra.bounceType } : {}),
    };
    this.#feeds.get(type)!.push(item);
    return item;
  }

  count(type: EmulatedInteractionType): number {
    return this.#feeds.get(type)!.length;
  }

  query(
    type: EmulatedInteractionType,
    q: InteractionQuery,
  ): { items: EmulatedInteraction[]; after?: number } {
    const feed = this.#feeds.get(type)!;
    const visibleUntil = this.clock.now() - this.lagMs;
    const toChange = Math.min(q.toChangeMs ?? Number.POSITIVE_INFINITY, visibleUntil);
    let i = Math.max(
      lowerBound(feed, (item) => item.seq <= q.after),
      lowerBound(feed, (item) => item.changeDate < (q.fromChangeMs ?? 0)),
    );
    const items: EmulatedInteraction[] = [];
    for (; i < feed.length; i++) {
      const item = feed[i]!;
      if (item.changeDate > toChange) break;
      if (q.fromMs !== undefined && item.date < q.fromMs) continue;
      if (q.toMs !== undefined && item.date > q.toMs) continue;
      if (items.length === q.pageSize) return { items, after: items.at(-1)!.seq };
      items.push(item);
    }
    return { items };
  }
}

/** The first index whose item does not satisfy `before` (items satisfying it come first). */
function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
