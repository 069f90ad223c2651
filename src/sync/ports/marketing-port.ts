import type { KoppelError } from '../../errors.js';

/**
 * The e-mail-marketing side of the sync, owned by the core: what the engine needs from a platform
 * (first: Spotler Mail+). Contacts are keyed by the id koppel gives them there (`externalId`);
 * properties use the platform's names (the sync definition maps them). Permissions are a set property
 * `permissions` of `{ bit, enabled }` entries, read as `consent`.
 */
export interface MarketingPort {
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
