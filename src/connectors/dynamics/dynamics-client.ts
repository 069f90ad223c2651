import { type Clock, type Random, systemClock, systemRandom } from '../../clock.js';
import { type BatchItem, type BatchOutcome, executeBatch } from './batch.js';
import {
  type ChangePage,
  type ContactRow,
  readChangePages,
  readContactPages,
  readListMemberPages,
} from './contact-reader.js';
import { deleteContact, upsertContact, type WriteOptions } from './contact-writer.js';
import { DataverseHttp } from './dataverse-http.js';
import {
  type DynamicsConnectionOptions,
  type ResolvedConnection,
  resolveConnection,
} from './dynamics-options.js';
import { createBoundFetch, type HttpFetch } from './http-fetch.js';
import type { OrgThrottleRegistry } from './org-throttle.js';
import { createMsalTokenProvider, type TokenProvider } from './token-provider.js';

export interface DynamicsClientOptions extends DynamicsConnectionOptions {
  /** Shared by every client in the process, so a 429 pauses all traffic to the organisation. */
  throttles: OrgThrottleRegistry;
  clock?: Clock;
  random?: Random;
  /** Wraps undici's fetch, e.g. to watch requests in tests. */
  fetch?: HttpFetch;
  /** Replaces MSAL, e.g. for a test that is not about authentication. */
  tokenProvider?: TokenProvider;
  /** Told of every 429 the organisation answers this client (for the run history). */
  onRateLimited?: () => void;
}

/**
 * The Dataverse Web API as koppel uses it: read contacts, follow their changes, read list members,
 * and write contacts one by one or in batches.
 *
 * @example
 * const client = DynamicsClient.create({ baseUrl, authority, clientId, clientSecret, throttles });
 * for await (const page of client.changes({ select: ['emailaddress1'], deltaLink })) save(page);
 */
export class DynamicsClient {
  readonly connection: ResolvedConnection;
  readonly #http: DataverseHttp;
  readonly #random: Random;
  readonly #close: () => Promise<void>;

  private constructor(
    connection: ResolvedConnection,
    http: DataverseHttp,
    random: Random,
    close: () => Promise<void>,
  ) {
    this.connection = connection;
    this.#http = http;
    this.#random = random;
    this.#close = close;
  }

  /** Validates the options (ConfigError naming every problem) and builds the client; no request is sent yet. */
  static create(options: DynamicsClientOptions): DynamicsClient {
    const connection = resolveConnection(options);
    const bound = createBoundFetch(options.caCertificate, options.fetch);
    const clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom;
    const tokens =
      options.tokenProvider ??
      createMsalTokenProvider({
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        authority: connection.authority,
        scope: connection.scope,
        fetch: bound.fetch,
      });
    const http = new DataverseHttp({
      baseUrl: connection.baseUrl,
      fetch: bound.fetch,
      tokens,
      throttle: options.throttles.forOrganisation(connection.baseUrl, connection.maxConcurrency),
      clock,
      random,
      maxAttempts: connection.maxAttempts,
      requestTimeoutMs: connection.requestTimeoutMs,
      onRateLimited: options.onRateLimited,
    });
    return new DynamicsClient(connection, http, random, bound.close);
  }

  /** All contacts (optionally filtered), one page at a time. */
  contacts(options: {
    select: readonly string[];
    filter?: string;
    pageSize?: number;
    annotations?: boolean;
  }): AsyncGenerator<ContactRow[]> {
    return readContactPages(this.#http, {
      ...options,
      pageSize: options.pageSize ?? this.connection.pageSize,
    });
  }

  /** Changes since `deltaLink`, or everything plus a first delta link when there is none. */
  changes(options: {
    select: readonly string[];
    deltaLink?: string | null;
    pageSize?: number;
    /** Ask for annotations, e.g. a lookup's FormattedValue. */
    annotations?: boolean;
  }): AsyncGenerator<ChangePage> {
    return readChangePages(this.#http, {
      ...options,
      pageSize: options.pageSize ?? this.connection.pageSize,
    });
  }

  /** The contact ids on a marketing list, for scoping the sync. */
  listMemberIds(listId: string, pageSize?: number): AsyncGenerator<string[]> {
    return readListMemberPages(this.#http, { listId, pageSize: pageSize ?? this.connection.pageSize });
  }

  upsertContact(id: string, fields: Record<string, unknown>, options?: WriteOptions) {
    return upsertContact(this.#http, id, fields, options);
  }

  deleteContact(id: string, options?: { etag?: string }) {
    return deleteContact(this.#http, id, options);
  }

  /** Never rejects once sent: one outcome per operation. Continue-on-error is on unless switched off. */
  batch(items: readonly BatchItem[], options: { continueOnError?: boolean } = {}): Promise<BatchOutcome[]> {
    return executeBatch(this.#http, items, { ...options, random: this.#random });
  }

  close(): Promise<void> {
    return this.#close();
  }
}
