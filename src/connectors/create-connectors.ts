import type { Clock, Random } from '../clock.js';
import type { ConnectorFactory } from '../sync/ports/index.js';
import { dataverseClientFor, mailplusClientFor } from '../tenants/connect.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { DynamicsPort, OrgThrottleRegistry } from './dynamics/index.js';
import type { HttpFetch } from './http/bound-fetch.js';
import {
  type MailplusClient,
  MailplusConnector,
  MailplusInteractionFeed,
  MailplusPort,
} from './mailplus/index.js';

export interface ConnectorFactoryDeps {
  tenants: TenantStore;
  clock: Clock;
  random?: Random;
  /** Mail+ feed overlap; must exceed the feed's visibility lag plus clock skew. */
  mailplusOverlapMs: number;
  /** The HTTP seam of a tenant's clients per service (metered in createApp); default undici's fetch. */
  httpFetch?: (tenantId: string, service: 'dataverse' | 'mailplus') => HttpFetch;
}

/**
 * The real connectors: a Dataverse client and a Mail+ client per tenant, from its stored settings.
 * One throttle registry for the process, so a 429 pauses every client of that organisation.
 */
export function createConnectorFactory(deps: ConnectorFactoryDeps): ConnectorFactory {
  const throttles = new OrgThrottleRegistry(deps.clock);
  const { clock, random } = deps;
  return async (tenantId, events) => {
    const settings = await deps.tenants.settings(tenantId);
    const fetch =
      deps.httpFetch && ((service: 'dataverse' | 'mailplus') => deps.httpFetch!(tenantId, service));
    const onRateLimited = events.onRateLimited;
    const dataverse = dataverseClientFor(settings.dataverse, {
      throttles,
      clock,
      random,
      fetch,
      onRateLimited,
    });
    let client: MailplusClient;
    try {
      client = mailplusClientFor(settings.mailplus, {
        throttles,
        clock,
        random,
        onUpdatesPageRefused: events.onPageSizeRefused,
        fetch,
        onRateLimited,
      });
    } catch (error) {
      await dataverse.close();
      throw error;
    }
    const connector = new MailplusConnector(client, { overlapMs: deps.mailplusOverlapMs, clock });
    const interactions = new MailplusInteractionFeed(client, { overlapMs: deps.mailplusOverlapMs, clock });
    return {
      crm: new DynamicsPort(dataverse),
      marketing: new MailplusPort(connector, client, interactions),
    };
  };
}
