import { type KoppelError, PermanentError, RetryableError } from '../../errors.js';
import {
  INTERACTIONS_PAGE_SIZES,
  interactionsResponseSchema,
  type MailingDetails,
  mailingDetailsSchema,
  type WireInteraction,
} from './interaction-types.js';
import { errorForContactCode } from './mailplus-errors.js';
import { MailplusHttp, type MailplusHttpOptions } from './mailplus-http.js';
import {
  addContactResponseSchema,
  type ContactInput,
  type ContactsResponse,
  contactSchema,
  contactsResponseSchema,
  MAX_CONTACTS_PER_BULK,
  type MailplusContact,
  type MailplusProperty,
  propertySchema,
} from './mailplus-types.js';

export type MailplusClientOptions = MailplusHttpOptions & {
  /** Called when Mail+ refuses an updates page size and koppel steps down to the next one. */
  onUpdatesPageRefused?: (refused: number, next: number) => void;
};

/**
 * Page sizes koppel asks of `GET /contact/updates/list`, largest first. Mail+ documents no largest
 * pageSize (only /contact/list's 100 is documented, spotler.md §1.12) and MailPlus's own connector
 * asks for whole windows; reading back a load costs a call per page, so koppel starts at 5,000 and
 * steps down when the service refuses.
 */
export const UPDATES_PAGE_SIZES = [5000, 2000, 1000, 500, 200, 100] as const;

/** The outcome of one contact in a bulk write: every input contact gets exactly one. */
export type ContactOutcome =
  | { externalId: string; ok: true }
  | { externalId: string; ok: false; code: string; error: KoppelError };

export interface WriteOptions {
  /** true clears the properties the request does not mention; koppel merges (false) by default. */
  purge?: boolean;
  /**
   * false: insert only; a contact that exists already gets CONTACT_ALREADY_EXISTS and is not changed.
   * Default true (create or update).
   */
  update?: boolean;
}

export interface UpdatesPageQuery {
  /** Epoch milliseconds; sent as ISO 8601. */
  fromMs: number;
  toMs: number;
  /** Omitted: the largest size in UPDATES_PAGE_SIZES the service has not refused. */
  pageSize?: number;
  after?: number;
}

/** A page of the updates feed, and the service's clock when it served it (the window's true end). */
export type UpdatesPage = ContactsResponse & { serviceTime?: number };

/** The Mail+ REST calls koppel uses, one method per endpoint (spotler.md §1.4). */
export class MailplusClient {
  readonly #http: MailplusHttp;
  readonly #onUpdatesPageRefused: (refused: number, next: number) => void;
  #updatesPageSize: number = UPDATES_PAGE_SIZES[0];
  #interactionsPageSize: number = INTERACTIONS_PAGE_SIZES[0];

  constructor(options: MailplusClientOptions) {
    const { onUpdatesPageRefused, ...httpOptions } = options;
    this.#http = new MailplusHttp(httpOptions);
    this.#onUpdatesPageRefused = onUpdatesPageRefused ?? (() => {});
  }

  /** The page size the updates feed is read with now. */
  get updatesPageSize(): number {
    return this.#updatesPageSize;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  async listProperties(): Promise<MailplusProperty[]> {
    const { body } = await this.#http.send({
      operation: 'GET /contact/properties/list',
      method: 'GET',
      path: '/contact/properties/list',
    });
    return propertySchema.array().parse(body);
  }

  /** `POST /contact` with update:true: creates or updates, so a retried write is harmless. */
  async upsertContact(contact: ContactInput, options: WriteOptions = {}): Promise<void> {
    await this.#http.send({
      operation: 'POST /contact',
      method: 'POST',
      path: '/contact',
      body: { update: true, purge: options.purge ?? false, contact },
    });
  }

  /** Null when the contact does not exist (404). */
  async getContact(externalId: string): Promise<MailplusContact | null> {
    try {
      const { body } = await this.#http.send({
        operation: 'GET /contact/{externalId}',
        method: 'GET',
        path: `/contact/${encodeURIComponent(externalId)}`,
      });
      return contactSchema.parse(body);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** `PUT /contact/{externalId}`: the contact must exist (PermanentError CONTACT_NOT_FOUND if not). */
  async updateContact(contact: ContactInput, options: WriteOptions = {}): Promise<void> {
    await this.#http.send({
      operation: 'PUT /contact/{externalId}',
      method: 'PUT',
      path: `/contact/${encodeURIComponent(contact.externalId)}`,
      body: { update: true, purge: options.purge ?? false, contact },
    });
  }

  /** GDPR erasure; Mail+ has no delete. 'not-found' when there was nothing to anonymize. */
  async anonymizeContact(externalId: string): Promise<'anonymized' | 'not-found'> {
    try {
      await this.#http.send({
        operation: 'PUT /contact/anonymize/{externalId}',
        method: 'PUT',
        path: `/contact/anonymize/${encodeURIComponent(externalId)}`,
      });
      return 'anonymized';
    } catch (error) {
      if (isNotFound(error)) return 'not-found';
      throw error;
    }
  }

  /**
   * One `POST /contact/list` call (upsert). Throws only when the call as a whole fails; per-contact
   * rejections come back as outcomes, one per input contact, in input order.
   */
  async upsertContacts(
    contacts: readonly ContactInput[],
    options: WriteOptions = {},
  ): Promise<ContactOutcome[]> {
    if (contacts.length > MAX_CONTACTS_PER_BULK) {
      throw new PermanentError(
        `Mail+ accepts at most ${MAX_CONTACTS_PER_BULK} contacts per bulk call, got ${contacts.length}`,
        { service: 'mailplus' },
      );
    }
    if (contacts.length === 0) return [];
    const { body } = await this.#http.send({
      operation: 'POST /contact/list',
      method: 'POST',
      path: '/contact/list',
      body: { update: options.update ?? true, purge: options.purge ?? false, contacts },
    });
    return matchOutcomes(contacts, addContactResponseSchema.array().parse(body));
  }

  /**
   * One page of `GET /contact/updates/list`; see MailplusChangeFeed for the windowed reader. Without an
   * explicit pageSize, a 400 answer is taken as a refused page size (koppel's dates are always valid):
   * the next smaller size is asked, and kept for later pages; at 100 the 400 is thrown.
   */
  async updatesPage(query: UpdatesPageQuery): Promise<UpdatesPage> {
    if (query.pageSize !== undefined) return this.#updates(query, query.pageSize);
    for (;;) {
      const size = this.#updatesPageSize;
      try {
        return await this.#updates(query, size);
      } catch (error) {
        const next = UPDATES_PAGE_SIZES.find((smaller) => smaller < size);
        if (!isBadRequest(error) || next === undefined) throw error;
        this.#updatesPageSize = Math.min(this.#updatesPageSize, next);
        this.#onUpdatesPageRefused(size, next);
      }
    }
  }

  /** One page of `GET /mailing-interaction/{type}` by change date (spotler.md §1.9). */
  async interactionsPage(
    type: 'sent' | 'opened' | 'clicked' | 'bounced',
    query: InteractionsPageQuery,
  ): Promise<InteractionsPage> {
    if (query.pageSize !== undefined) return this.#interactions(type, query, query.pageSize);
    for (;;) {
      const size = this.#interactionsPageSize;
      try {
        return await this.#interactions(type, query, size);
      } catch (error) {
        // koppel's dates are always valid: a 400 is the page size refused. At 100 it is thrown.
        const next = INTERACTIONS_PAGE_SIZES.find((smaller) => smaller < size);
        if (!isBadRequest(error) || next === undefined) throw error;
        this.#interactionsPageSize = Math.min(this.#interactionsPageSize, next);
      }
    }
  }

  async #interactions(
    type: 'sent' | 'opened' | 'clicked' | 'bounced',
    query: InteractionsPageQuery,
    pageSize: number,
  ): Promise<InteractionsPage> {
    const { body, date } = await this.#http.send({
      operation: `GET /mailing-interaction/${type}`,
      method: 'GET',
      path: `/mailing-interaction/${type}`,
      query: {
        fromChangeDate: new Date(query.fromChangeMs).toISOString(),
        toChangeDate: new Date(query.toChangeMs).toISOString(),
        pageSize,
        after: query.after,
      },
    });
    const page = interactionsResponseSchema.parse(body);
    return { interactions: page.interactions, after: page.paging?.after, serviceTime: date };
  }

  /** `GET /mailing/{encryptedMailingId}`; null when Mail+ does not know the mailing (404). */
  async mailing(encryptedMailingId: string): Promise<MailingDetails | null> {
    try {
      const { body } = await this.#http.send({
        operation: 'GET /mailing/{encryptedMailingId}',
        method: 'GET',
        path: `/mailing/${encodeURIComponent(encryptedMailingId)}`,
      });
      return mailingDetailsSchema.parse(body);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async #updates(query: UpdatesPageQuery, pageSize: number): Promise<UpdatesPage> {
    const { body, date } = await this.#http.send({
      operation: 'GET /contact/updates/list',
      method: 'GET',
      path: '/contact/updates/list',
      query: {
        fromDate: new Date(query.fromMs).toISOString(),
        toDate: new Date(query.toMs).toISOString(),
        pageSize,
        after: query.after,
      },
    });
    return { ...contactsResponseSchema.parse(body), serviceTime: date };
  }
}

export interface InteractionsPageQuery {
  /** Epoch ms of the change-date window (fromChangeDate/toChangeDate), sent as ISO 8601. */
  fromChangeMs: number;
  toChangeMs: number;
  pageSize?: number;
  after?: number;
}

export interface InteractionsPage {
  interactions: WireInteraction[];
  after?: number;
  serviceTime?: number;
}

function isNotFound(error: unknown): boolean {
  return error instanceof PermanentError && error.detail.status === 404;
}

function isBadRequest(error: unknown): boolean {
  return error instanceof PermanentError && error.detail.status === 400;
}

/** Results are matched by externalId (in order, for repeated ids); a missing result is retryable. */
function matchOutcomes(
  contacts: readonly ContactInput[],
  results: ReadonlyArray<{ externalId?: string; code: string; message?: string }>,
): ContactOutcome[] {
  const byId = new Map<string, Array<(typeof results)[number]>>();
  for (const result of results) {
    const id = result.externalId ?? '';
    byId.set(id, [...(byId.get(id) ?? []), result]);
  }
  return contacts.map(({ externalId }) => {
    const result = byId.get(externalId)?.shift();
    if (!result) {
      const error = new RetryableError(`Mail+ returned no result for contact ${externalId}`, {
        service: 'mailplus',
      });
      return { externalId, ok: false, code: 'MISSING_RESULT', error };
    }
    if (result.code === 'OK') return { externalId, ok: true };
    return {
      externalId,
      ok: false,
      code: result.code,
      error: errorForContactCode(externalId, result.code, result.message),
    };
  });
}
