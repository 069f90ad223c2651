import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Set on every answer, errors and 404s included. By hand in an onSend hook because @fastify/helmet is
 * not a dependency and the API needs only these few: it serves JSON to monitoring, never pages.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // A browser that once reached the API over HTTPS never tries plain HTTP again.
  'strict-transport-security': 'max-age=31536000',
  // Counters and ids of customers: no proxy or browser cache keeps them.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // JSON only: nothing may be loaded, run or framed, even if a response were rendered as a page.
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export async function securityHeaders(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  reply.headers(SECURITY_HEADERS);
  return payload;
}
