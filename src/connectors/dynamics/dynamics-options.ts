import { ConfigError } from '../../errors.js';
import { transportProblem } from '../http/transport-problem.js';

/** Dataverse counts concurrent requests per user and refuses the 53rd (api-limits: 52 concurrent). */
export const MAX_CONCURRENCY_LIMIT = 52;
export const MAX_PAGE_SIZE = 5000;

export interface DynamicsConnectionOptions {
  /** The Web API root, e.g. `https://contoso.crm4.dynamics.com/api/data/v9.2/`. */
  baseUrl: string;
  /** `https://login.microsoftonline.com/<tenant id>`. */
  authority: string;
  clientId: string;
  clientSecret: string;
  /** Default `<origin of baseUrl>/.default`, the client-credentials scope for the organisation. */
  scope?: string;
  /** PEM to trust in addition to nothing else, e.g. the emulator's self-signed certificate. */
  caCertificate?: string;
  /** Allows a plain http:// base URL, but only for a loopback host (127.0.0.0/8, ::1, localhost). */
  allowInsecureLoopback?: boolean;
  /** Concurrent requests to this organisation; default 4, at most 52. */
  maxConcurrency?: number;
  /** Rows per page (`Prefer: odata.maxpagesize`); default 500, at most 5000. */
  pageSize?: number;
  /** Attempts per request, including the first; default 6. */
  maxAttempts?: number;
  /** Per attempt; default 120 s (Dataverse's own request timeout is 2 minutes). */
  requestTimeoutMs?: number;
}

export interface ResolvedConnection {
  baseUrl: string;
  authority: string;
  scope: string;
  maxConcurrency: number;
  pageSize: number;
  maxAttempts: number;
  requestTimeoutMs: number;
}

/** Validates the connection options, naming each field and rule that fails. */
export function resolveConnection(options: DynamicsConnectionOptions): ResolvedConnection {
  const issues: string[] = [];
  const baseUrl = checkUrl(
    'dataverse.baseUrl',
    options.baseUrl,
    options.allowInsecureLoopback ?? false,
    issues,
  );
  const authority = checkUrl('dataverse.authority', options.authority, false, issues);
  if (baseUrl && !/\/api\/data\/v9\.\d\/$/.test(new URL(baseUrl).pathname)) {
    issues.push(
      'dataverse.baseUrl must end in /api/data/v9.<minor>/, e.g. https://contoso.crm4.dynamics.com/api/data/v9.2/',
    );
  }
  if (!options.clientId) issues.push('dataverse.clientId is required');
  if (!options.clientSecret) issues.push('dataverse.clientSecret is required');
  const maxConcurrency = integerIn(
    'dataverse.maxConcurrency',
    options.maxConcurrency ?? 4,
    1,
    MAX_CONCURRENCY_LIMIT,
    issues,
  );
  const pageSize = integerIn('dataverse.pageSize', options.pageSize ?? 500, 1, MAX_PAGE_SIZE, issues);
  const maxAttempts = integerIn('dataverse.maxAttempts', options.maxAttempts ?? 6, 1, 20, issues);
  const requestTimeoutMs = integerIn(
    'dataverse.requestTimeoutMs',
    options.requestTimeoutMs ?? 120_000,
    100,
    600_000,
    issues,
  );
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    baseUrl: baseUrl!,
    authority: authority!.replace(/\/$/, ''),
    scope: options.scope ?? `${new URL(baseUrl!).origin}/.default`,
    maxConcurrency,
    pageSize,
    maxAttempts,
    requestTimeoutMs,
  };
}

function checkUrl(
  field: string,
  value: string,
  allowInsecureLoopback: boolean,
  issues: string[],
): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.push(`${field} must be an absolute URL`);
    return null;
  }
  const problem = transportProblem(field, url, allowInsecureLoopback);
  if (problem) {
    issues.push(problem);
    return null;
  }
  url.search = '';
  url.hash = '';
  return url.pathname.endsWith('/') ? url.href : `${url.href}/`;
}

function integerIn(field: string, value: number, min: number, max: number, issues: string[]): number {
  if (!Number.isInteger(value) || value < min || value > max)
    issues.push(`${field} must be an integer from ${min} to ${max}`);
  return value;
}
