import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';

/**
 * OAuth 1.0a (RFC 5849) HMAC-SHA1 signing as Spotler Mail+ expects it: two-legged, i.e. signed with the
 * consumer key and secret only, no oauth_token and an empty token secret (spotler.md §1.3).
 *
 * The oauth-1.0a package supplies the RFC 3986 percent-encoding, the signing key and the header format.
 * Its parameter normalisation is not RFC 5849 §3.4.1.3 compliant, so that part is written here:
 * - it decodes the query with decodeURIComponent, so `+` stays a plus instead of a space (§3.4.1.3.1
 *   says the query is form-urlencoded), and it never decodes parameter names;
 * - it merges query and body parameters into one object, so a name present in both keeps only one value
 *   (§3.4.1.3.2 requires every pair, sorted by name and then by value);
 * - it leaves the URI as given instead of lowercasing scheme and host and dropping a default port
 *   (§3.4.1.2).
 * The RFC's own example (§3.4.1.1) fails with the package's normaliser and passes with this one.
 */
const library = new OAuth({
  consumer: { key: '', secret: '' },
  signature_method: 'HMAC-SHA1',
  hash_function: hmacSha1Base64,
});

export type ParameterPair = readonly [name: string, value: string];

/** RFC 3986 §2.1 percent-encoding of everything outside the unreserved set (RFC 5849 §3.6). */
export function percentEncode(value: string): string {
  return library.percentEncode(value);
}

/**
 * §3.4.1.2: lowercase scheme and host, no default port, the path as sent, no query or fragment. The
 * WHATWG URL parser already lowercases scheme and host and drops default ports, so `URL` does the work.
 */
export function baseStringUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** §3.4.1.3.1: the query is application/x-www-form-urlencoded, so `+` is a space. */
export function queryParameters(url: URL): ParameterPair[] {
  return [...new URLSearchParams(url.search)];
}

/** §3.4.1.3.2: encode names and values, sort by name then value (byte order), join with `&`. */
export function normalizeParameters(pairs: readonly ParameterPair[]): string {
  return pairs
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface BaseStringInput {
  method: string;
  url: URL;
  /** The oauth_* protocol parameters, without oauth_signature and realm. */
  oauthParameters: readonly ParameterPair[];
  /** Form-encoded body parameters; never the JSON bodies Mail+ uses (§3.4.1.3.1 excludes them). */
  bodyParameters?: readonly ParameterPair[];
}

/** §3.4.1.1: METHOD & enc(base string URI) & enc(normalised parameters). */
export function signatureBaseString(input: BaseStringInput): string {
  const pairs = [...queryParameters(input.url), ...input.oauthParameters, ...(input.bodyParameters ?? [])];
  return [
    input.method.toUpperCase(),
    percentEncode(baseStringUri(input.url)),
    percentEncode(normalizeParameters(pairs)),
  ].join('&');
}

/** §3.4.2: key = enc(client secret) & enc(token secret); the token secret is empty when two-legged. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return hmacSha1Base64(baseString, `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`);
}

function hmacSha1Base64(baseString: string, key: string): string {
  return createHmac('sha1', key).update(baseString).digest('base64');
}

export interface SignInput {
  method: string;
  url: URL;
  consumerKey: string;
  consumerSecret: string;
  /** Seconds since the epoch. */
  timestamp: number;
  nonce: string;
  /** Only for three-legged use and the RFC examples; Mail+ requests carry no token. */
  token?: { key: string; secret: string };
  /** Mail+ clients send oauth_version="1.0"; the RFC examples omit it. */
  includeVersion?: boolean;
  bodyParameters?: readonly ParameterPair[];
}

export interface SignedRequest {
  baseString: string;
  signature: string;
  /** The value of the Authorization header. */
  authorization: string;
}

export function signRequest(input: SignInput): SignedRequest {
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', input.consumerKey],
    ['oauth_nonce', input.nonce],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(input.timestamp)],
  ];
  if (input.token) oauth.push(['oauth_token', input.token.key]);
  if (input.includeVersion ?? true) oauth.push(['oauth_version', '1.0']);
  const baseString = signatureBaseString({ ...input, oauthParameters: oauth });
  const signature = hmacSha1Signature(baseString, input.consumerSecret, input.token?.secret);
  const header = library.toHeader({
    ...Object.fromEntries(oauth),
    oauth_signature: signature,
  } as unknown as OAuth.Authorization);
  return { baseString, signature, authorization: header.Authorization };
}

/**
 * Parses `Authorization: OAuth k="v", …` (RFC 5849 §3.5.1). Returns null when the header is not an
 * OAuth header or is malformed; values are percent-decoded.
 */
export function parseAuthorizationHeader(header: string | undefined): Map<string, string> | null {
  if (!header || !/^OAuth\s/i.test(header)) return null;
  const params = new Map<string, string>();
  const body = header.replace(/^OAuth\s+/i, '');
  for (const part of body.split(',')) {
    const match = /^\s*([A-Za-z0-9_%.~-]+)="([^"]*)"\s*$/.exec(part);
    if (!match) return null;
    try {
      const name = decodeURIComponent(match[1]!);
      // §3.1: protocol parameters MUST NOT appear more than once.
      if (params.has(name)) return null;
      params.set(name, decodeURIComponent(match[2]!));
    } catch {
      return null;
    }
  }
  return params;
}
