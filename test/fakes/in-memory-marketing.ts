import type { Clock } from '../../src/clock.js';
import type {
  MarketingContact,
  MarketingFeedPass,
  MarketingInteraction,
  MarketingInteractionPass,
  MarketingMailing,
  MarketingPort,
  MarketingWrite,
  MarketingWriteOutcome,
} from '../../src/sync/ports/index.js';

interface Stored {
  properties: Record<string, unknown>;
  optedOut: boolean;
  changedAt: number;
}

type Entry = { bit: number; enabled: boolean };

/**
 * The marketing port in memory, for testing the sync's logic in milliseconds: contacts by externalId,
 * a change feed by time (positions are the end of the last window read), permissions merged by bit.
 */
export class InMemoryMarketing implements MarketingPort {
  readonly #contacts = new Map<string, Stored>();
  readonly #interactions: MarketingInteraction[] = [];
  readonly #mailings = new Map<string, MarketingMailing>();
  #interactionIds = 0;

  constructor(private readonly clock: Clock) {}

  /** A mailing the platform knows (what `mailing()` answers). */
  addMailing(mailing: MarketingMailing): void {
    this.#mailings.set(mailing.id, mailing);
  }

  /** The platform records an interaction now (its changedAt is the clock's now). */
  recordInteraction(
    interaction: Omit<MarketingInteraction, 'id' | 'changedAt' | 'at'> & { at?: number },
  ): MarketingInteraction {
    const now = this.clock.now();
    const recorded = {
      ...interaction,
      at: interaction.at ?? now,
      id: String(++this.#interactionIds),
      changedAt: now,
    };
    this.#interactions.push(recorded);
    return recorded;
  }

  interactionsStart(fromMs: number): string {
    return JSON.stringify({ until: fromMs });
  }

  readInteractions(position: string): MarketingInteractionPass {
    // Inclusive of the boundary, remembering what was read at it: an interaction recorded in the same
    // millisecond as the last read is neither lost nor read twice.
    const { until: from, atUntil = [] } = JSON.parse(position) as { until: number; atUntil?: string[] };
    const until = this.clock.now();
    const found = this.#interactions.filter(
      (i) => i.changedAt >= from && i.changedAt <= until && !atUntil.includes(`${i.type}:${i.id}`),
    );
    const atEnd = this.#interactions.filter((i) => i.changedAt === until).map((i) => `${i.type}:${i.id}`);
    return {
      position: JSON.stringify({ until, atUntil: atEnd }),
      async *[Symbol.asyncIterator]() {
        if (found.length > 0) yield found;
      },
    };
  }

  async mailing(mailingId: string): Promise<MarketingMailing | null> {
    return this.#mailings.get(mailingId) ?? null;
  }

  /** A person's global opt-out, made in the platform. */
  optOut(externalId: string): void {
    const stored = this.#contacts.get(externalId)!;
    stored.optedOut = true;
    stored.properties.permissions = permissionsOf(stored).map(({ bit }) => ({ bit, enabled: false }));
    stored.changedAt = this.clock.now();
  }

  async serviceTime(now: number): Promise<number | undefined> {
    return now;
  }

  feedStart(fromMs: number): string {
    return JSON.stringify({ until: fromMs });
  }

  readChanges(position: string): MarketingFeedPass {
    const { until: from } = JSON.parse(position) as { until: number };
    const until = this.clock.now();
    const changed = [...this.#contacts].filter(([, c]) => c.changedAt > from && c.changedAt <= until);
    const contacts = changed.map(([id, c]) => contactOf(id, c));
    return {
      position: JSON.stringify({ until }),
      async *[Symbol.asyncIterator]() {
        yield* contacts;
      },
    };
  }

  async *allContacts(): AsyncIterable<MarketingContact[]> {
    const all = [...this.#contacts].map(([id, c]) => contactOf(id, c));
    if (all.length > 0) yield all;
  }

  async contact(externalId: string): Promise<MarketingContact | null> {
    const stored = this.#contacts.get(externalId);
    return stored ? contactOf(externalId, stored) : null;
  }

  async upsertBatch(
    writes: readonly MarketingWrite[],
    options: { update?: boolean } = {},
  ): Promise<MarketingWriteOutcome[]> {
    return writes.map((write) => this.#upsert(write, options.update !== false));
  }

  async anonymize(externalId: string): Promise<'anonymized' | 'not-found'> {
    const stored = this.#contacts.get(externalId);
    if (!stored) return 'not-found';
    stored.properties = {};
    stored.changedAt = this.clock.now();
    return 'anonymized';
  }

  async close(): Promise<void> {}

  #upsert(write: MarketingWrite, update: boolean): MarketingWriteOutcome {
    const { externalId } = write;
    const existing = this.#contacts.get(externalId);
    if (existing && !update) return { externalId, status: 'exists' };
    const stored = existing ?? { properties: {}, optedOut: false, changedAt: 0 };
    const { permissions, ...rest } = write.properties;
    Object.assign(stored.properties, rest);
    const asked = (Array.isArray(permissions) ? permissions : []) as Entry[];
    const refused = stored.optedOut && asked.some((e) => e.enabled);
    const merged = new Map(permissionsOf(stored).map((e) => [e.bit, e.enabled]));
    for (const { bit, enabled } of asked) merged.set(bit, enabled && !stored.optedOut);
    if (merged.size > 0)
      stored.properties.permissions = [...merged].map(([bit, enabled]) => ({ bit, enabled }));
    stored.changedAt = this.clock.now();
    this.#contacts.set(externalId, stored);
    return { externalId, status: refused ? 'written-opted-out' : 'written' };
  }
}

function permissionsOf(stored: Stored): Entry[] {
  const value = stored.properties.permissions;
  return Array.isArray(value) ? (value as Entry[]) : [];
}

function contactOf(externalId: string, stored: Stored): MarketingContact {
  return {
    externalId,
    properties: structuredClone(stored.properties),
    consent: {
      optedOut: stored.optedOut,
      permissions: new Map(permissionsOf(stored).map((e) => [e.bit, e.enabled])),
    },
  };
}
