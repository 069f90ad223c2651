import { readFileSync } from 'node:fs';
import type { Clock, Random } from '../clock.js';
import { DynamicsClient } from '../connectors/dynamics/index.js';
import type { OrgThrottleRegistry } from '../connectors/dynamics/org-throttle.js';
import type { HttpFetch } from '../connectors/http/bound-fetch.js';
import { MailplusClient } from '../connectors/mailplus/index.js';
import { ConfigError } from '../errors.js';
import {
  type DataverseSettings,
  type MailplusSettings,
  missingDataverse,
  missingMailplus,
} from './tenant-settings.js';

export interface ConnectDeps {
  throttles: OrgThrottleRegistry;
  clock?: Clock;
  random?: Random;
  /** Attempts per request; test-connection uses 1 to answer at once. */
  maxAttempts?: number;
  /** Mail+ refused an updates page size; the client asks the next smaller one from now on. */
  onUpdatesPageRefused?: (refused: number, next: number) => void;
  /** The HTTP seam per service, e.g. metered (src/metrics/instrumented-fetch.ts); default undici's fetch. */
  fetch?: (service: 'dataverse' | 'mailplus') => HttpFetch | undefined;
  /** Either service answered 429 (counted in the run history). */
  onRateLimited?: () => void;
}

function readCa(caFile: string | undefined, field: string): string | undefined {
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${field}: cannot read ${caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000);

/** A Dataverse client from a tenant's settings; ConfigError names what is missing. */
export function dataverseClientFor(s: DataverseSettings, deps: ConnectDeps): DynamicsClient {
  const missing = missingDataverse(s);
  if (missing.length)
    throw new ConfigError(missing.map((f) => `${f}: not set (koppel tenant set <id> ${f}=...)`));
  return DynamicsClient.create({
    baseUrl: s.baseUrl!,
    authority: s.authority!,
    clientId: s.clientId!,
    clientSecret: s.clientSecret!,
    caCertificate: readCa(s.caFile, 'dataverse.caFile'),
    allowInsecureLoopback: s.allowInsecureLoopback,
    maxConcurrency: s.maxConcurrency,
    requestTimeoutMs: seconds(s.requestTimeoutSeconds),
    maxAttempts: deps.maxAttempts,
    throttles: deps.throttles,
    clock: deps.clock,
    random: deps.random,
    fetch: deps.fetch?.('dataverse'),
    onRateLimited: deps.onRateLimited,
  });
}

/** A Mail+ client from a tenant's settings; ConfigError names what is missing. */
export function mailplusClientFor(s: MailplusSettings, deps: ConnectDeps): MailplusClient {
  const missing = missingMailplus(s);
  if (missing.length)
    throw new ConfigError(missing.map((f) => `${f}: not set (koppel tenant set <id> ${f}=...)`));
  return new MailplusClient({
    baseUrl: s.baseUrl,
    consumerKey: s.consumerKey!,
    consumerSecret: s.consumerSecret!,
    caCertificate: readCa(s.caFile, 'mailplus.caFile'),
    allowInsecureLoopback: s.allowInsecureLoopback,
    requestTimeoutMs: seconds(s.requestTimeoutSeconds),
    retry: deps.maxAttempts ? { maxAttempts: deps.maxAttempts } : undefined,
    clock: deps.clock,
    random: deps.random,
    onUpdatesPageRefused: deps.onUpdatesPageRefused,
    fetch: deps.fetch?.('mailplus'),
    onRateLimited: deps.onRateLimited,
  });
}
