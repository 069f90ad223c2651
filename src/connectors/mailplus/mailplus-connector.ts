import { coerceError, KoppelError, RetryableError } from '../../errors.js';
import {
  type ChangeFeedCheckpoint,
  type ChangeFeedOptions,
  type ChangeFeedPass,
  MailplusChangeFeed,
} from './mailplus-change-feed.js';
import type { ContactOutcome, MailplusClient, WriteOptions } from './mailplus-client.js';
import {
  type ContactInput,
  MAX_CONTACTS_PER_BULK,
  type MailplusContact,
  type SetEntry,
  setEntrySchema,
} from './mailplus-types.js';

/**
 * What the sync engine sees of Mail+: batch upserts that never throw halfway, the windowed change feed,
 * anonymization, and the consent reading rules (permissions keyed on bit; a global opt-out is sticky).
 */
export type BatchOutcome =
  | { externalId: string; status: 'written' }
  /** Written, but the contact is globally opted out, so the permissions we asked to enable stayed off. */
  | { externalId: string; status: 'written-opted-out' }
  | { externalId: string; status: 'failed'; code: string; error: KoppelError };

export const PERMISSIONS_PROPERTY = 'permissions';

export class MailplusConnector {
  readonly #client: MailplusClient;
  readonly #feed: MailplusChangeFeed;

  constructor(client: MailplusClient, feedOptions: ChangeFeedOptions = {}) {
    this.#client = client;
    this.#feed = new MailplusChangeFeed(client, feedOptions);
  }

  /** Upserts any number of contacts in calls of at most 100; one outcome per input, in order. */
  async upsertBatch(contacts: readonly ContactInput[], options: WriteOptions = {}): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = [];
    for (let i = 0; i < contacts.length; i += MAX_CONTACTS_PER_BULK) {
      outcomes.push(...(await this.#upsertChunk(contacts.slice(i, i + MAX_CONTACTS_PER_BULK), options)));
    }
    return outcomes;
  }

  /**
   * The service's clock (its Date header), read with the smallest updates call: an empty window at
   * `now`. Undefined when the service sends no Date.
   */
  async serviceTime(now: number): Promise<number | undefined> {
    const page = await this.#client.updatesPage({ fromMs: now, toMs: now, pageSize: 1 });
    this.#feed.observeServiceTime(page.serviceTime);
    return page.serviceTime;
  }

  readChanges(checkpoint: ChangeFeedCheckpoint): ChangeFeedPass {
    return this.#feed.read(checkpoint);
  }

  /**
   * Every contact in the account, a page at a time (the updates feed from the epoch to now), for
   * matching existing contacts before an initial load. Pages are not remembered, so memory stays flat.
   */
  async *allContacts(now: number, pageSize?: number): AsyncGenerator<MailplusContact[]> {
    let after: number | undefined;
    do {
      const page = await this.#client.updatesPage({ fromMs: 0, toMs: now, pageSize, after });
      if (page.contacts.length > 0) yield page.contacts;
      const next = page.paging?.after;
      after = page.contacts.length > 0 && next !== undefined && next !== after ? next : undefined;
    } while (after !== undefined);
  }

  /** One contact as Mail+ holds it now; null when there is none. */
  contact(externalId: string): Promise<MailplusContact | null> {
    return this.#client.getContact(externalId);
  }

  anonymize(externalId: string): Promise<'anonymized' | 'not-found'> {
    return this.#client.anonymizeContact(externalId);
  }

  async #upsertChunk(chunk: readonly ContactInput[], options: WriteOptions): Promise<BatchOutcome[]> {
    const first = await this.#tryBulk(chunk, options);
    const outcomes = first.map(toBatchOutcome);
    const optedOut = first.flatMap((o, i) => (!o.ok && o.code === 'CONTACT_OPTOUT' ? [i] : []));
    if (optedOut.length === 0) return outcomes;
    // The person opted out globally: write the rest of the data, but never re-enable a permission.
    const second = await this.#tryBulk(
      optedOut.map((i) => withoutEnabledPermissions(chunk[i]!)),
      options,
    );
    optedOut.forEach((index, k) => {
      const again = second[k]!;
      outcomes[index] = again.ok
        ? { externalId: again.externalId, status: 'written-opted-out' }
        : toBatchOutcome(again);
    });
    return outcomes;
  }

  /** A failed call becomes a failed outcome for each of its contacts, never a throw. */
  async #tryBulk(chunk: readonly ContactInput[], options: WriteOptions): Promise<ContactOutcome[]> {
    try {
      return await this.#client.upsertContacts(chunk, options);
    } catch (thrown) {
      const error = asKoppelError(thrown);
      return chunk.map(({ externalId }) => ({
        externalId,
        ok: false,
        code: error.detail.code ?? 'CALL_FAILED',
        error,
      }));
    }
  }
}

function toBatchOutcome(outcome: ContactOutcome): BatchOutcome {
  return outcome.ok
    ? { externalId: outcome.externalId, status: 'written' }
    : { externalId: outcome.externalId, status: 'failed', code: outcome.code, error: outcome.error };
}

function asKoppelError(thrown: unknown): KoppelError {
  if (thrown instanceof KoppelError) return thrown;
  return new RetryableError(
    'Mail+ bulk write failed',
    { service: 'mailplus' },
    { cause: coerceError(thrown) },
  );
}

function withoutEnabledPermissions(contact: ContactInput): ContactInput {
  const entries = readSet(contact.properties[PERMISSIONS_PROPERTY]);
  const properties = { ...contact.properties };
  const kept = entries.filter((entry) => !entry.enabled);
  if (kept.length > 0) properties[PERMISSIONS_PROPERTY] = kept.map(({ bit, enabled }) => ({ bit, enabled }));
  else delete properties[PERMISSIONS_PROPERTY];
  return { ...contact, properties };
}

/** Parses a set property value (`[{bit, enabled, description?}]`), ignoring malformed entries. */
export function readSet(value: unknown): SetEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const parsed = setEntrySchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Permission state keyed on bit; descriptions are display text and may be renamed (spotler.md §1.6). */
export function permissionsOf(contact: MailplusContact): Map<number, boolean> {
  return new Map(readSet(contact.properties[PERMISSIONS_PROPERTY]).map((e) => [e.bit, e.enabled]));
}

/** The `permissions` value that changes only the given bits (merge semantics, purge:false). */
export function permissionChanges(
  bits: ReadonlyMap<number, boolean>,
): Array<{ bit: number; enabled: boolean }> {
  return [...bits].map(([bit, enabled]) => ({ bit, enabled }));
}

/**
 * A global opt-out shows as an EMAIL channel that is switched off although the contact has an address
 * (inference: the API exposes no opt-out flag; the emulator models it this way).
 */
export function isGloballyOptedOut(contact: MailplusContact): boolean {
  const email = contact.channels?.find((channel) => channel.name === 'EMAIL');
  return email !== undefined && !email.value && typeof contact.properties.email === 'string';
}
