import type { Clock, Random } from '../../clock.js';
import type { ApiResponse } from './api-types.js';

export interface EntraOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `https://127.0.0.1:<port>`: the authority host and the Dataverse resource at once. */
  origin: string;
  clock: Clock;
  random: Random;
  tokenLifetimeSeconds?: number;
}

/**
 * The Microsoft Entra ID endpoints the client-credentials flow touches: OpenID discovery (which MSAL
 * reads for an authority it has no built-in metadata for) and the v2.0 token endpoint. Errors use
 * Entra's AADSTS body shape and status codes. Tokens are opaque and checked by `verify`.
 */
export class EntraEmulator {
  readonly #options: EntraOptions;
  readonly #tokens = new Map<string, { user: string; expiresAt: number }>();

  constructor(options: EntraOptions) {
    this.#options = options;
  }

  get tokenUrl(): string {
    return `${this.#options.origin}/${this.#options.tenantId}/oauth2/v2.0/token`;
  }

  /** Answers an identity-platform request, or returns null when the path is not one. */
  handle(method: string, path: string, form: URLSearchParams, correlationId?: string): ApiResponse | null {
    const { tenantId, origin } = this.#options;
    const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(path);
    if (!match) return null;
    if (match[1] !== tenantId) {
      return this.#error(
        400,
        'invalid_request',
        90002,
        `Tenant '${match[1]}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        correlationId,
      );
    }
    if (match[2]!.startsWith('v2.0') && method === 'GET') {
      const base = `${origin}/${tenantId}`;
      return json(200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        tenant_region_scope: 'EU',
      });
    }
    if (method !== 'POST')
      return this.#error(
        405,
        'invalid_request',
        900561,
        'The endpoint only accepts POST requests.',
        correlationId,
      );
    return this.#token(form, correlationId);
  }

  /** The application user a bearer token belongs to, or null when it is missing, unknown or expired. */
  verify(authorization: string | undefined): string | null {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const entry = token ? this.#tokens.get(token) : undefined;
    if (!entry || entry.expiresAt <= this.#options.clock.now()) return null;
    return entry.user;
  }

  unauthorized(): ApiResponse {
    const { origin, tenantId } = this.#options;
    return {
      status: 401,
      headers: {
        'WWW-Authenticate': `Bearer authorization_uri=${origin}/${tenantId}/oauth2/authorize, resource_id=${origin}/`,
      },
    };
  }

  #token(form: URLSearchParams, correlationId?: string): ApiResponse {
    const { clientId, clientSecret, tenantId, origin } = this.#options;
    if (form.get('grant_type') !== 'client_credentials') {
      return this.#error(
        400,
        'unsupported_grant_type',
        70003,
        'The app requested an unsupported grant type.',
        correlationId,
      );
    }
    if (form.get('client_id') !== clientId) {
      return this.#error(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        correlationId,
      );
    }
    if (form.get('client_secret') !== clientSecret) {
      return this.#error(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        correlationId,
      );
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s.endsWith('/.default'));
    if (scopes.length !== 1) {
      return this.#error(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        correlationId,
      );
    }
    const resource = scopes[0]!.slice(0, -'/.default'.length).replace(/\/$/, '');
    if (resource !== origin) {
      return this.#error(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        correlationId,
      );
    }
    const lifetime = this.#options.tokenLifetimeSeconds ?? 3599;
    const accessToken = this.#options.random.bytes(32).toString('base64url');
    this.#tokens.set(accessToken, { user: clientId, expiresAt: this.#options.clock.now() + lifetime * 1000 });
    return json(200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    });
  }

  #error(status: number, error: string, code: number, text: string, correlationId?: string): ApiResponse {
    const { random, clock, origin } = this.#options;
    const timestamp = new Date(clock.now())
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, 'Z');
    const traceId = random.uuid();
    const correlation = correlationId ?? random.uuid();
    return json(status, {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${origin}/error?code=${code}`,
    });
  }
}

function json(status: number, body: unknown): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store, no-cache' },
    body,
  };
}
