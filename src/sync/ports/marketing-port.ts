import type { KoppelError } from '../../errors.js';

/**
 * The e-mail-marketing side of the sync, owned by the core: what the engine needs from a platform
 * (first: Spotler Mail+). Contacts are keyed by the id koppel gives them there (`externalId`);
 * properties use the platform's names (the sync definition maps them). Permissions are a set property
 * `permissions` of `{ bit, enabled }` entries, read as `consent`.
 */
export interface MarketingPort extends MarketingInteractions {
  /** The platform's clock (ms epoch), read with its cheapest call; undefined when it does not say. */
  serviceTime(now: number): Promise<number | undefined>;
  /** The feed position of a first run that reads changes from `fromMs` on. */
  feedStart(fromMs: number): string;
  /** One pass of the change feed from a stored position; iterate it, then store `pass.position`. */
  readChanges(position: string): MarketingFeedPass;
  /** Every contact on the platform, a page at a time (to match existing people before a first load). */
  allContacts(now: number): AsyncIterable<MarketingContact[]>;
  /** One contact as the platform holds it now; null when there is none. */
  contact(externalId: string): Promise<MarketingContact | null>;
  /**
   * Writes contacts, one outcome per write in order, never a throw halfway. `update: false` is
   * insert-only: a contact that is there already comes back as `exists` and is left alone.
   */
  upsertBatch(
    writes: readonly MarketingWrite[],
    options?: { update?: boolean },
  ): Promise<MarketingWriteOutcome[]>;
  /** Empties a contact's personal data on the platform. */
  anonymize(externalId: string): Promise<'anonymized' | 'not-found'>;
  close(): Promise<void>;
}

export interface MarketingContact {
  readonly externalId: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly consent: Consent;
}

export interface Consent {
  /** Globally opted out of e-mail: sticky, koppel never switches a permission on again. */
  readonly optedOut: boolean;
  /** Permission bit -> on, for every bit the contact has. */
  readonly permissions: ReadonlyMap<number, boolean>;
}

export interface MarketingWrite {
  externalId: string;
  properties: Record<string, unknown>;
}

export type MarketingWriteOutcome =
  | { externalId: string; status: 'written' }
  /** Written, but the person is globally opted out, so the permissions asked to be on stayed off. */
  | { externalId: string; status: 'written-opted-out' }
  /** Insert-only write of a contact that is there already: nothing written. */
  | { externalId: string; status: 'exists' }
  | { externalId: string; status: 'failed'; code: string; error: KoppelError };

export interface MarketingFeedPass extends AsyncIterable<MarketingContact> {
  /** Where the next pass starts; read it after iterating. */
  readonly position: string;
}

/** The four interaction feeds of a mailing (spotler.md §1.9). */
export const INTERACTION_TYPES = ['sent', 'opened', 'clicked', 'bounced'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/**
 * One interaction of a person with a mailing, as the platform reports it: ids and facts only. `at` is
 * when it happened, `changedAt` when the platform recorded it (the feed is read by the latter).
 */
export interface MarketingInteraction {
  readonly type: InteractionType;
  /** The platform's id of the interaction, unique per type. */
  readonly id: string;
  readonly externalId: string;
  readonly mailingId: string;
  readonly at: number;
  readonly changedAt: number;
  /** Clicks: the link clicked, when the platform says. */
  readonly link?: string;
  /** Bounces: hard or soft. */
  readonly bounceType?: 'hard' | 'soft';
  /** Sent interactions carry the mailing's name and subject. */
  readonly mailingName?: string;
  readonly subject?: string;
}

/** A mailing's name and subject (what an activity in the CRM shows); null subject when it has none. */
export interface MarketingMailing {
  readonly id: string;
  readonly name: string;
  readonly subject: string | null;
}

/** One pass over the interaction feeds, a page at a time; store `position` after iterating it. */
export interface MarketingInteractionPass extends AsyncIterable<MarketingInteraction[]> {
  readonly position: string;
}

/**
 * What the interactions feed needs of a platform, beside the contact port: the feeds by change date
 * and the mailing lookup. A separate interface so the core's contact sync does not depend on it.
 */
export interface MarketingInteractions {
  /** The feed position of a first run that reads interactions recorded from `fromMs` on. */
  interactionsStart(fromMs: number): string;
  /** One pass of the four feeds from a stored position, up to now. */
  readInteractions(position: string): MarketingInteractionPass;
  /** A mailing's name and subject; null when the platform does not know it. */
  mailing(mailingId: string): Promise<MarketingMailing | null>;
}
