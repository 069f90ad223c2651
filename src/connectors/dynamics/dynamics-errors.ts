import {
  type KoppelError,
  PermanentError,
  RateLimitedError,
  type RemoteDetail,
  RetryableError,
} from '../../errors.js';

/**
 * The delta link can no longer be used: Dataverse has dropped the changes since it was issued
 * (ExpiredVersionStamp, 0x80044352). The poller must run a full resync: a fresh change-tracking read
 * and a diff of all ids, as deletes during the gap are otherwise lost.
 */
export class ChangeTrackingExpiredError extends PermanentError {}

const EXPIRED_VERSION_STAMP = '0x80044352';
const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);

export interface ServiceError {
  code: string;
  message: string;
}

/** Reads the `{"error":{"code","message"}}` body Dataverse sends with every error. */
export function readServiceError(text: string): ServiceError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return { code: String(parsed.error?.code ?? ''), message: String(parsed.error?.message ?? '') };
  } catch {
    return { code: '', message: '' };
  }
}

/**
 * Turns an error response into the error class that tells the queue what to do, keeping the service's
 * code and message but never the request's values: e-mail addresses, phone numbers and quoted filter
 * text are masked, and only the path (never the query) is named.
 */
export function errorFromResponse(
  method: string,
  path: string,
  status: number,
  text: string,
  retryAfterMs: number | null,
): KoppelError {
  const { code, message } = readServiceError(text);
  const detail: RemoteDetail = { service: 'dataverse', status, code: code || undefined };
  const summary = `Dataverse answered ${method} ${path} with ${status}${code ? ` ${code}` : ''}${message ? `: ${redact(message)}` : ''}`;
  if (
    code === EXPIRED_VERSION_STAMP ||
    /Version stamp associated with the client has expired/i.test(message)
  ) {
    return new ChangeTrackingExpiredError(
      `Change tracking expired, a full resync is needed. ${summary}`,
      detail,
    );
  }
  if (status === 429) return new RateLimitedError(summary, retryAfterMs ?? 5000, detail);
  if (RETRYABLE_STATUS.has(status)) return new RetryableError(summary, detail);
  return new PermanentError(summary, detail);
}

export function redact(message: string): string {
  return message
    .replace(/ in '.*'\.?$/s, " in '<redacted>'.")
    .replace(/literal '[^']*'/g, "literal '<redacted>'")
    .replace(/[^\s'"<>(),=]+@[^\s'"<>(),=]+/g, '<email>')
    .replace(/\+\d[\d ]{7,}\d|\b0\d{8,}\b/g, '<phone>');
}

/** The URL path without its query, for messages: the query may carry personal data ($filter values). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0]!;
  }
}
