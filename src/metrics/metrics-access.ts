import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsRefusal = { status: 401 | 403; error: string } | null;

/**
 * Whether a scrape may read /metrics. With `metrics.token` set, the request must carry it as a bearer
 * token (compared in constant time: both sides are hashed first, so not even the length leaks).
 * Without a token, only `trustedWithoutToken` clients may (the admin server: its allowlist already
 * admitted them; the worker listener: loopback clients).
 */
export function metricsRefusal(
  token: string | undefined,
  authorization: string | undefined,
  trustedWithoutToken: boolean,
): MetricsRefusal {
  if (token === undefined) {
    return trustedWithoutToken
      ? null
      : { status: 403, error: 'metrics: set metrics.token to scrape from another machine' };
  }
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (sent === undefined) return { status: 401, error: 'metrics: a bearer token is required' };
  return sameSecret(sent, token) ? null : { status: 401, error: 'metrics: wrong bearer token' };
}

function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
