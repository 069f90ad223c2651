import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { PermanentError, RetryableError } from '../../errors.js';
import type { HttpFetch } from './http-fetch.js';

export interface TokenProvider {
  /** A valid access token for the organisation; cached and renewed by MSAL before it expires. */
  getToken(): Promise<string>;
  /** Forget the cached token (after a 401), so the next call asks Entra ID for a new one. */
  invalidate(): void;
}

export interface MsalTokenOptions {
  clientId: string;
  clientSecret: string;
  authority: string;
  scope: string;
  fetch: HttpFetch;
}

/** Entra ID answers with these when the registration or request is wrong; asking again cannot help. */
const PERMANENT_CODES = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_scope',
  'invalid_resource',
  'invalid_request',
  'unsupported_grant_type',
]);

/**
 * Client credentials through MSAL's ConfidentialClientApplication. The authority's host is declared a
 * known authority, so MSAL skips instance discovery (a call to login.microsoftonline.com even for a
 * private authority); for login.microsoftonline.com MSAL has the endpoint metadata built in, for any
 * other host (the emulator) it reads that host's OpenID configuration. All of MSAL's traffic goes
 * through `fetch`, so it trusts the same CA as the Web API calls.
 */
export function createMsalTokenProvider(options: MsalTokenOptions): TokenProvider {
  const network = new FetchNetworkClient(options.fetch);
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: options.authority,
      knownAuthorities: [new URL(options.authority).host],
    },
    system: { networkClient: network },
  });
  let skipCache = false;
  return {
    async getToken() {
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: [options.scope], skipCache });
        skipCache = false;
        if (!result?.accessToken)
          throw new RetryableError('Microsoft Entra ID returned no access token', { service: 'entra-id' });
        return result.accessToken;
      } catch (error) {
        throw classifyAuthError(error, network.takeLastFailure());
      }
    },
    invalidate() {
      skipCache = true;
    },
  };
}

/** `networkFailure`: what our fetch threw, which MSAL replaces with its own code (endpoints_resolution_error). */
function classifyAuthError(error: unknown, networkFailure?: unknown): Error {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const e = error as { errorCode?: string; errorMessage?: string; status?: number };
  // The first line of error_description is the AADSTS code and text; the rest are trace ids.
  const firstLine = (e.errorMessage ?? '').split(/\r?\n/)[0]!.replace(/^\d+ - \[[^\]]*\]: /, '');
  const aadsts = /AADSTS\d+/.exec(firstLine)?.[0];
  const detail = { service: 'entra-id', status: e.status, code: aadsts ?? e.errorCode };
  if (e.errorCode && PERMANENT_CODES.has(e.errorCode)) {
    return new PermanentError(
      `Microsoft Entra ID refused the client credentials (${e.errorCode}): ${firstLine}`,
      detail,
      { cause: error },
    );
  }
  return new RetryableError(
    `Could not obtain a token from Microsoft Entra ID: ${e.errorCode ?? 'network error'}`,
    detail,
    { cause: networkFailure ?? error },
  );
}

/** MSAL's network interface over our fetch seam; MSAL wants parsed JSON bodies and lower-case headers. */
class FetchNetworkClient implements INetworkModule {
  readonly #fetch: HttpFetch;
  #lastFailure: unknown;
  constructor(fetch: HttpFetch) {
    this.#fetch = fetch;
  }

  takeLastFailure(): unknown {
    const failure = this.#lastFailure;
    this.#lastFailure = undefined;
    return failure;
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.#send<T>('POST', url, options, 30_000);
  }

  async #send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const response = await this.#fetch(url, {
      method,
      headers: options?.headers,
      body: options?.body,
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    }).catch((error: unknown) => {
      this.#lastFailure = error;
      throw error;
    });
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    return { status: response.status, headers: Object.fromEntries(response.headers), body: body as T };
  }
}
