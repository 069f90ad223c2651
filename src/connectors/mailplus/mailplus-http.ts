import { type Clock, type Random, systemClock, systemRandom } from '../../clock.js';
import { ConfigError, PermanentError, RateLimitedError, RetryableError } from '../../errors.js';
import { backoffDelay } from '../../queue/backoff.js';
import { type BoundFetch, createBoundFetch, type HttpFetch } from '../http/bound-fetch.js';
import { parseHttpDate } from '../http/http-date.js';
import { parseRetryAfter } from '../http/retry-after.js';
import { transportProblem } from '../http/transport-problem.js';
import { errorForNetworkFailure, errorForResponse, parseErrorBody } from './mailplus-errors.js';
import { signRequest } from './oauth1.js';

export interface RetryPolicy {
  /** Attempts per call, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is not waited out in-process; the RateLimitedError goes to the queue. */
  maxRetryAfterMs: number;
}

export interface MailplusHttpOptions {
  /** Wraps undici's fetch, e.g. to meter every call (src/metrics/) or watch requests in tests. */
  fetch?: HttpFetch;
  /** Scheme and host, e.g. https://restapi.mailplus.nl (the default). */
  baseUrl?: string;
  /** Most clients use the versioned path; the unversioned `/integrationservice` serves the same API. */
  basePath?: string;
  consumerKey: string;
  consumerSecret: string;
  /** PEM of a CA to trust instead of the system store, e.g. the emulator's self-signed certificate. */
  caCertificate?: string;
  /** Permit http:// for loopback hosts only (benchmarks against a local emulator). */
  allowInsecureLoopback?: boolean;
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Signs requests, measures Retry-After and waits out backoff; one that can sleep makes tests instant. */
  clock?: Clock;
  random?: Random;
  /** Told of every 429 (for the run history); the client waits or throws as before. */
  onRateLimited?: () => void;
}

export interface MailplusRequest {
  /** A short name for errors and logs, e.g. 'POST /contact/list'. Never personal data. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export interface MailplusResponse {
  status: number;
  /** The service's clock when it answered (the Date header, whole seconds); undefined without one. */
  date?: number;
  /** Parsed JSON, or null for 204 and empty bodies. */
  body: unknown;
}

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Signs, sends and retries one Mail+ call; knows nothing about contacts. */
export class MailplusHttp {
  readonly #options: MailplusHttpOptions;
  readonly #root: URL;
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #transport: BoundFetch;
  /** Until when the service asked (Retry-After) that no request be sent, epoch ms. */
  #pausedUntil = 0;

  constructor(options: MailplusHttpOptions) {
    this.#options = options;
    this.#root = checkedBaseUrl(options.baseUrl ?? 'https://restapi.mailplus.nl', options);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#transport = createBoundFetch(options.caCertificate, options.fetch);
  }

  async send(request: MailplusRequest): Promise<MailplusResponse> {
    await this.#waitOutPause(request.operation);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(request);
      if (!(outcome instanceof Error)) return outcome;
      if (outcome instanceof RateLimitedError) this.#options.onRateLimited?.();
      if (outcome instanceof RateLimitedError && outcome.retryAfterMs > 0) {
        this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + outcome.retryAfterMs);
      }
      if (outcome instanceof PermanentError || attempt >= this.#retry.maxAttempts) throw outcome;
      const delay = this.#delayBefore(attempt, outcome);
      if (delay === null) throw outcome;
      await this.#clock.sleep(delay);
    }
  }

  /**
   * A Retry-After is the service's, not one call's: calls that start while it runs wait it out too
   * instead of drawing more 429s. A wait longer than maxRetryAfterMs goes to the queue instead.
   */
  async #waitOutPause(operation: string): Promise<void> {
    const wait = this.#pausedUntil - this.#clock.now();
    if (wait <= 0) return;
    if (wait > this.#retry.maxRetryAfterMs) {
      throw new RateLimitedError(`Mail+ asked to wait before ${operation}`, wait, { service: 'mailplus' });
    }
    await this.#clock.sleep(wait);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  urlFor(path: string, query: MailplusRequest['query'] = {}): URL {
    const base = this.#options.basePath ?? '/integrationservice-1.1.0';
    const url = new URL(`${base}${path}`, this.#root);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
    return url;
  }

  async #attempt(request: MailplusRequest): Promise<MailplusResponse | PermanentError | RetryableError> {
    const url = this.urlFor(request.path, request.query);
    // A fresh nonce and timestamp per attempt: the service refuses a replayed nonce.
    const { authorization } = signRequest({
      method: request.method,
      url,
      consumerKey: this.#options.consumerKey,
      consumerSecret: this.#options.consumerSecret,
      timestamp: Math.floor(this.#clock.now() / 1000),
      nonce: this.#random.bytes(16).toString('hex'),
    });
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.#transport.fetch(url.href, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000),
      });
      const text = await response.text();
      if (response.ok) {
        return {
          status: response.status,
          body: parseJson(text, request.operation),
          date: parseHttpDate(response.headers.get('date') ?? '') ?? undefined,
        };
      }
      return errorForResponse({
        operation: request.operation,
        status: response.status,
        body: parseErrorBody(text),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.#clock.now()),
      });
    } catch (cause) {
      if (cause instanceof RetryableError) return cause;
      return errorForNetworkFailure(request.operation, cause);
    }
  }

  /** Retry-After when the service sent one, else the queue's exponential backoff (half of it jitter). */
  #delayBefore(attempt: number, error: RetryableError): number | null {
    if (error instanceof RateLimitedError && error.retryAfterMs > 0) {
      return error.retryAfterMs <= this.#retry.maxRetryAfterMs ? error.retryAfterMs : null;
    }
    const policy = { baseMs: this.#retry.baseDelayMs, maxMs: this.#retry.maxDelayMs };
    return backoffDelay(attempt, policy, this.#random);
  }
}

function parseJson(text: string, operation: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RetryableError(
      `Mail+ ${operation} answered with a body that is not JSON`,
      { service: 'mailplus' },
      { cause },
    );
  }
}

/** Personal data must never cross a network unencrypted (see transportProblem). */
function checkedBaseUrl(raw: string, options: MailplusHttpOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError([`Mail+ base URL is not a valid URL: ${raw}`]);
  }
  const problem = transportProblem(
    `Mail+ base URL ${url.origin}`,
    url,
    options.allowInsecureLoopback ?? false,
  );
  if (problem) throw new ConfigError([problem]);
  return url;
}
