import { parseHttpDate } from './http-date.js';

/**
 * The longest wait koppel takes from a Retry-After. Longer is more likely a fault on the other side than
 * a plan, and a timer beyond 2^31-1 ms (24.8 days) would fire at once; the queue retries a day later.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Retry-After (RFC 9110 §10.2.3) as milliseconds from `now`: delay-seconds (digits only, so "1.5" and
 * "-5" are not delays) or an HTTP-date (a past date is 0). Null when the header is missing or is neither
 * form, so each caller picks its own default; the value is capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  const text = header?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  const date = parseHttpDate(text);
  return date === null ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}
