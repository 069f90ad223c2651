import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock.js';
import {
  hmacSha1Signature,
  type ParameterPair,
  parseAuthorizationHeader,
  signatureBaseString,
} from '../../connectors/mailplus/oauth1.js';

/**
 * Server side of Mail+'s two-legged OAuth 1.0a (spotler.md §1.3): HMAC-SHA1 over RFC 5849's base string
 * with the query in it, no token, an empty token secret. The service documents no timestamp or nonce
 * rules; like any OAuth 1.0a provider (RFC 5849 §3.3) the emulator refuses a timestamp more than
 * `maxSkewSeconds` away from its clock and a nonce it has already accepted within that window.
 */
export interface OAuthVerifierOptions {
  consumerKey: string;
  consumerSecret: string;
  clock: Clock;
  maxSkewSeconds?: number;
}

export type Verdict = { ok: true } | { ok: false; message: string };

export class OAuthVerifier {
  readonly #options: OAuthVerifierOptions;
  readonly #skewSeconds: number;
  /** `${timestamp}:${nonce}` -> when the entry may be forgotten (epoch ms). */
  readonly #nonces = new Map<string, number>();

  constructor(options: OAuthVerifierOptions) {
    this.#options = options;
    this.#skewSeconds = options.maxSkewSeconds ?? 300;
  }

  verify(request: { method: string; url: URL; authorization: string | undefined }): Verdict {
    const params = parseAuthorizationHeader(request.authorization);
    if (!params) return refuse('Missing or malformed OAuth Authorization header');
    if (params.get('oauth_signature_method') !== 'HMAC-SHA1') return refuse('Unsupported signature method');
    const version = params.get('oauth_version');
    if (version !== undefined && version !== '1.0') return refuse('Unsupported OAuth version');
    // Two-legged: there are no tokens, so an empty or absent oauth_token is the only valid one.
    if (params.get('oauth_token')) return refuse('Unknown token');
    const timestamp = Number(params.get('oauth_timestamp'));
    const nonce = params.get('oauth_nonce');
    if (!Number.isSafeInteger(timestamp) || !nonce) return refuse('Missing timestamp or nonce');
    if (Math.abs(this.#options.clock.now() / 1000 - timestamp) > this.#skewSeconds) {
      return refuse('Timestamp is outside the accepted window');
    }
    if (!this.#signatureMatches(request, params)) return refuse('Invalid consumer key or signature');
    // Remember the nonce only once the signature is good, so forged requests cannot burn nonces.
    return this.#useNonce(`${timestamp}:${nonce}`) ? { ok: true } : refuse('Nonce has already been used');
  }

  #signatureMatches(request: { method: string; url: URL }, params: Map<string, string>): boolean {
    if (params.get('oauth_consumer_key') !== this.#options.consumerKey) return false;
    const oauthParameters: ParameterPair[] = [...params].filter(
      ([name]) => name !== 'oauth_signature' && name !== 'realm',
    );
    const expected = hmacSha1Signature(
      signatureBaseString({ method: request.method, url: request.url, oauthParameters }),
      this.#options.consumerSecret,
    );
    const given = Buffer.from(params.get('oauth_signature') ?? '');
    const wanted = Buffer.from(expected);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  #useNonce(key: string): boolean {
    const now = this.#options.clock.now();
    if (this.#nonces.size > 10_000) {
      for (const [k, expires] of this.#nonces) if (expires < now) this.#nonces.delete(k);
    }
    if (this.#nonces.has(key)) return false;
    this.#nonces.set(key, now + 2 * this.#skewSeconds * 1000);
    return true;
  }
}

function refuse(message: string): Verdict {
  return { ok: false, message };
}
