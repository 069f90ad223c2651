import { Agent, type Dispatcher, fetch } from 'undici';
import { type Clock, type Random, systemClock, systemRandom } from '../../clock.js';
import { ConfigError, PermanentError, RateLimitedError, RetryableError } from '../../errors.js';
import {
  errorForNetworkFailure,
  errorForResponse,
  parseErrorBody,
  parseRetryAfter,
} from './mailplus-errors.js';
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
  clock?: Clock;
  random?: Random;
  sleep?: (ms: number) => Promise<void>;
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
  readonly #dispatcher: Dispatcher | undefined;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Until when the service asked (Retry-After) that no request be sent, epoch ms. */
  #pausedUntil = 0;

  constructor(options: MailplusHttpOptions) {
    this.#options = options;
    this.#root = checkedBaseUrl(options.baseUrl ?? 'https://restapi.mailplus.nl', options);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#dispatcher = options.caCertificate
      ? new Agent({ connect: { ca: options.caCertificate } })
      : undefined;
  }

  async send(request: MailplusRequest): Promise<MailplusResponse> {
    await this.#waitOutPause(request.operation);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(request);
      if (!(outcome instanceof Error)) return outcome;
      if (outcome instanceof RateLimitedError && outcome.retryAfterMs > 0) {
        this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + outcome.retryAfterMs);
      }
      if (outcome instanceof PermanentError || attempt >= this.#retry.maxAttempts) throw outcome;
      const delay = this.#delayBefore(attempt, outcome);
      if (delay === null) throw outcome;
      await this.#sleep(delay);
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
    await this.#sleep(wait);
  }

  async close(): Promise<void> {
    await this.#dispatcher?.close();
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
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 30_000),
        dispatcher: this.#dispatcher,
      });
      const text = await response.text();
      if (response.ok) {
        const date = Date.parse(response.headers.get('date') ?? '');
        return {
          status: response.status,
          body: parseJson(text, request.operation),
          date: Number.isNaN(date) ? undefined : date,
        };
      }
      return errorForResponse({
        operation: request.operation,
        status: response.status,
        body: parseErrorBody(text),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.#clock),
      });
    } catch (cause) {
      if (cause instanceof RetryableError) return cause;
      return errorForNetworkFailure(request.operation, cause);
    }
  }

  /** Retry-After when the service sent one, else exponential backoff with full jitter. */
  #delayBefore(attempt: number, error: RetryableError): number | null {
    if (error instanceof RateLimitedError && error.retryAfterMs > 0) {
      return error.retryAfterMs <= this.#retry.maxRetryAfterMs ? error.retryAfterMs : null;
    }
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random.float() * ceiling);
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

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Personal data must never cross a network unencrypted, so http:// is refused except on loopback. */
function checkedBaseUrl(raw: string, options: MailplusHttpOptions): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError([`Mail+ base URL is not a valid URL: ${raw}`]);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:')
    throw new ConfigError([`Mail+ base URL must use https://, got ${url.protocol}`]);
  if (!LOOPBACK.test(url.hostname)) {
    throw new ConfigError([
      `Mail+ base URL ${url.origin} uses plain http://; only https:// is allowed, except for loopback ` +
        'hosts (127.0.0.0/8, ::1, localhost) with allowInsecureLoopback set',
    ]);
  }
  if (!options.allowInsecureLoopback) {
    throw new ConfigError([
      `Mail+ base URL ${url.origin} uses plain http:// on loopback; set allowInsecureLoopback to permit it`,
    ]);
  }
  return url;
}
