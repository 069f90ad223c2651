import type { Clock, Random } from '../../clock.js';
import { coerceError, type KoppelError, PermanentError, RetryableError } from '../../errors.js';
import { type BackoffPolicy, backoffDelay } from '../../queue/backoff.js';
import type { HttpFetch } from '../http/bound-fetch.js';
import { parseRetryAfter } from '../http/retry-after.js';
import { errorFromResponse, pathOf } from './dynamics-errors.js';
import type { OrgThrottle } from './org-throttle.js';
import type { TokenProvider } from './token-provider.js';

export interface DataverseRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the base URL (`contacts?$select=…`), or an absolute link the service handed out. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface DataverseResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface DataverseHttpDeps {
  baseUrl: string;
  fetch: HttpFetch;
  tokens: TokenProvider;
  throttle: OrgThrottle;
  /** Measures Retry-After and waits out backoff; a clock that can sleep makes both testable. */
  clock: Clock;
  random: Random;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Told of every 429 (for the run history); the throttle pauses as before. */
  onRateLimited?: () => void;
}

/** Sent with every request, as the Web API docs prescribe. */
export const STANDARD_HEADERS: Readonly<Record<string, string>> = {
  Accept: 'application/json',
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0',
};
export const JSON_BODY = 'application/json; charset=utf-8';

/** Half of it fixed, half jitter (queue/backoff.ts): 0.5 s, 1 s, 2 s … up to 30 s. */
const BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Sends one Web API request through the organisation's throttle, with a fresh bearer token, and retries
 * what can be retried: 429 (after Retry-After, with the whole organisation paused), 5xx, timeouts and
 * dropped connections (exponential backoff with jitter), and one 401 with a renewed token. Any other
 * answer is returned to the caller, who knows whether a 404 or 412 is an error.
 */
export class DataverseHttp {
  readonly #deps: DataverseHttpDeps;
  readonly #clock: Clock;
  constructor(deps: DataverseHttpDeps) {
    this.#deps = deps;
    this.#clock = deps.clock;
  }

  get baseUrl(): string {
    return this.#deps.baseUrl;
  }

  async send(request: DataverseRequest): Promise<DataverseResponse> {
    const url = this.#absolute(request.url);
    let lastError: KoppelError | null = null;
    let renewedToken = false;
    for (let attempt = 1; attempt <= this.#deps.maxAttempts; attempt++) {
      const outcome = await this.#attempt(url, request);
      if ('error' in outcome) {
        lastError = outcome.error;
        await this.#backoff(attempt);
        continue;
      }
      const response = outcome.response;
      if (response.status === 401 && !renewedToken) {
        renewedToken = true;
        this.#deps.tokens.invalidate();
        attempt--; // a stale token is not the service failing; it does not use up an attempt
        continue;
      }
      const wait = parseRetryAfter(response.headers.get('retry-after'), this.#clock.now());
      if (response.status === 429 || response.status >= 500 || response.status === 408) {
        lastError = errorFromResponse(request.method, pathOf(url), response.status, response.text, wait);
        if (response.status !== 429) await this.#backoff(attempt, wait);
        continue; // after a 429 the throttle is already paused; acquire() waits it out
      }
      this.#deps.throttle.recordSuccess();
      return response;
    }
    throw lastError ?? new RetryableError('Dataverse request failed', { service: 'dataverse' });
  }

  async #attempt(
    url: string,
    request: DataverseRequest,
  ): Promise<{ response: DataverseResponse } | { error: KoppelError }> {
    const release = await this.#deps.throttle.acquire();
    try {
      const token = await this.#deps.tokens.getToken();
      const response = await this.#deps.fetch(url, {
        method: request.method,
        headers: {
          ...STANDARD_HEADERS,
          ...(request.body !== undefined ? { 'Content-Type': JSON_BODY } : {}),
          ...request.headers,
          Authorization: `Bearer ${token}`,
        },
        body: request.body,
        signal: AbortSignal.timeout(this.#deps.requestTimeoutMs),
      });
      const text = await response.text();
      // Pause before this slot is released, or a queued request would slip out while we are throttled.
      if (response.status === 429) {
        this.#deps.onRateLimited?.();
        const wait = parseRetryAfter(response.headers.get('retry-after'), this.#clock.now());
        this.#deps.throttle.pause(wait ?? this.#backoffMs(1));
      }
      return { response: { status: response.status, headers: response.headers, text } };
    } catch (thrown) {
      if (thrown instanceof PermanentError) throw thrown;
      if (thrown instanceof RetryableError) return { error: thrown };
      const error = coerceError(thrown);
      const reason = error.name === 'TimeoutError' ? 'timed out' : 'connection failed';
      return {
        error: new RetryableError(
          `Dataverse ${request.method} ${pathOf(url)} ${reason}`,
          { service: 'dataverse' },
          { cause: error },
        ),
      };
    } finally {
      release();
    }
  }

  /** Links from the service are followed as-is, but only within this organisation: never hand the token elsewhere. */
  #absolute(url: string): string {
    if (!/^https?:\/\//i.test(url)) return `${this.#deps.baseUrl}${url}`;
    if (!url.toLowerCase().startsWith(this.#deps.baseUrl.toLowerCase())) {
      throw new PermanentError(
        `Refusing to follow a link outside the organisation's Web API (${pathOf(url)})`,
        {
          service: 'dataverse',
        },
      );
    }
    return url;
  }

  #backoffMs(attempt: number): number {
    return backoffDelay(attempt, BACKOFF, this.#deps.random);
  }

  async #backoff(attempt: number, retryAfter: number | null = null): Promise<void> {
    if (attempt >= this.#deps.maxAttempts) return;
    await this.#clock.sleep(retryAfter ?? this.#backoffMs(attempt));
  }
}
