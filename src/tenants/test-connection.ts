import { ConfigError, KoppelError } from '../errors.js';
import { type ConnectDeps, dataverseClientFor, mailplusClientFor } from './connect.js';
import type { TenantSettings } from './tenant-settings.js';

export interface ConnectionCheck {
  side: 'dataverse' | 'mailplus';
  ok: boolean;
  /** One plain sentence: what happened. */
  summary: string;
  /** What to do about it, when something is wrong. */
  advice?: string;
}

/** Checks both sides of a tenant with one harmless read each, and explains failures in plain words. */
export async function testConnections(
  settings: TenantSettings,
  deps: ConnectDeps,
): Promise<ConnectionCheck[]> {
  return [await checkDataverse(settings, deps), await checkMailplus(settings, deps)];
}

async function checkDataverse(settings: TenantSettings, deps: ConnectDeps): Promise<ConnectionCheck> {
  const side = 'dataverse';
  try {
    const client = dataverseClientFor(settings.dataverse, { ...deps, maxAttempts: 1 });
    try {
      for await (const _page of client.contacts({ select: ['contactid'], pageSize: 1 })) break;
      return { side, ok: true, summary: 'signed in and read contacts' };
    } finally {
      await client.close();
    }
  } catch (error) {
    return { side, ok: false, ...explain(error, settings.dataverse.baseUrl) };
  }
}

async function checkMailplus(settings: TenantSettings, deps: ConnectDeps): Promise<ConnectionCheck> {
  const side = 'mailplus';
  try {
    const client = mailplusClientFor(settings.mailplus, { ...deps, maxAttempts: 1 });
    try {
      const properties = await client.listProperties();
      return {
        side,
        ok: true,
        summary: `signed in and read the account's ${properties.length} contact properties`,
      };
    } finally {
      await client.close();
    }
  } catch (error) {
    return { side, ok: false, ...explain(error, settings.mailplus.baseUrl ?? 'https://restapi.mailplus.nl') };
  }
}

const NETWORK_ADVICE: Record<string, [string, string]> = {
  ECONNREFUSED: [
    'nothing accepts connections at that address',
    'check the URL and port, and that the service runs',
  ],
  ENOTFOUND: ['the host name does not resolve', 'check the spelling of the URL'],
  EAI_AGAIN: ['the host name could not be resolved right now', 'check DNS from this machine'],
  ETIMEDOUT: ['the connection timed out', 'check firewalls and proxies between this machine and the service'],
  UND_ERR_CONNECT_TIMEOUT: [
    'the connection timed out',
    'check firewalls and proxies between this machine and the service',
  ],
  ECONNRESET: ['the connection was dropped', 'check proxies, or try again'],
  DEPTH_ZERO_SELF_SIGNED_CERT: [
    "the server's TLS certificate is self-signed and not trusted",
    'set caFile to the certificate to trust (the emulators print theirs)',
  ],
  SELF_SIGNED_CERT_IN_CHAIN: [
    "the server's TLS certificate is not trusted",
    'set caFile to the CA that signed it',
  ],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [
    "the server's TLS certificate is not trusted",
    'set caFile to the CA that signed it',
  ],
  ERR_TLS_CERT_ALTNAME_INVALID: ["the server's TLS certificate is for another host name", 'check the URL'],
};

function explain(error: unknown, url: string | undefined): { summary: string; advice?: string } {
  if (error instanceof ConfigError)
    return {
      summary: `not configured: ${error.issues.join('; ')}`,
      advice: 'complete the settings with koppel tenant set',
    };
  const code = networkCode(error);
  const host = url ? new URL(url).host : 'the service';
  if (code && NETWORK_ADVICE[code]) {
    const [what, todo] = NETWORK_ADVICE[code];
    return { summary: `cannot reach ${host}: ${what} (${code})`, advice: todo };
  }
  const detail = error instanceof KoppelError ? error.detail : {};
  const message = error instanceof Error ? error.message : String(error);
  if (detail.code === 'AADSTS7000215')
    return {
      summary: 'Microsoft Entra ID rejected the client secret',
      advice: 'set dataverse.clientSecret to a current secret of the app registration',
    };
  if (detail.code === 'AADSTS700016')
    return {
      summary: 'Microsoft Entra ID does not know this client id in that tenant',
      advice: 'check dataverse.clientId and the tenant id in dataverse.authority',
    };
  if (detail.code === 'AADSTS90002')
    return {
      summary: 'Microsoft Entra ID does not know the tenant in dataverse.authority',
      advice: 'check the tenant id in dataverse.authority',
    };
  if (detail.service === 'mailplus' && detail.status === 401)
    return {
      summary: 'Mail+ rejected the consumer key or secret (401)',
      advice: 'set mailplus.consumerKey and mailplus.consumerSecret from the Mail+ API settings',
    };
  if (detail.status === 403)
    return {
      summary: `signed in, but not allowed to read contacts: ${message}`,
      advice: 'give the application user a security role with Read on Contact (and Write for the sync)',
    };
  if (detail.status === 401)
    return {
      summary: `signed in, but the service refused the token: ${message}`,
      advice: 'add the app registration as an application user in this Dataverse environment',
    };
  return { summary: message };
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
