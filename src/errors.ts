/**
 * The few error classes that tell a caller (usually the queue) what to do next:
 * - PermanentError: retrying cannot help (bad input, rejected record); dead-letter at once.
 * - RetryableError: a transient failure (5xx, timeout, reset); abandon with backoff.
 * - RateLimitedError: the remote asked us to wait; abandon until `retryAfterMs` has passed.
 * - ConfigError: the configuration is invalid; the process cannot start.
 * Remote details (service code and message) are kept, but never personal data.
 */
export interface RemoteDetail {
  /** The system that answered, e.g. 'dataverse' or 'mailplus'. */
  service?: string;
  status?: number;
  /** The service's own error code, e.g. '0x80072321' or 'VALIDATION_ERROR'. */
  code?: string;
}

export class KoppelError extends Error {
  readonly detail: RemoteDetail;
  constructor(message: string, detail: RemoteDetail = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.detail = detail;
  }
}

export class PermanentError extends KoppelError {}

export class RetryableError extends KoppelError {}

export class RateLimitedError extends RetryableError {
  readonly retryAfterMs: number;
  constructor(
    message: string,
    retryAfterMs: number,
    detail: RemoteDetail = {},
    options?: { cause?: unknown },
  ) {
    super(message, detail, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ConfigError extends KoppelError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Normalises anything thrown into an Error without mutating it. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

export type ErrorDisposition = 'permanent' | 'rate-limited' | 'retryable';

/** Unknown errors are treated as retryable: the delivery count bounds how often they are retried. */
export function dispositionOf(error: unknown): ErrorDisposition {
  if (error instanceof PermanentError) return 'permanent';
  if (error instanceof RateLimitedError) return 'rate-limited';
  return 'retryable';
}
