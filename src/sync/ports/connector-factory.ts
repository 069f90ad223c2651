import type { CrmPort } from './crm-port.js';
import type { MarketingPort } from './marketing-port.js';

/** A tenant's two sides, built by the composition root from the tenant's settings. */
export interface TenantConnectors {
  crm: CrmPort;
  marketing: MarketingPort;
}

/** What the engine is given instead of the connectors themselves: the core never imports an adapter. */
export type ConnectorFactory = (tenantId: string, events: ConnectorEvents) => Promise<TenantConnectors>;

/** What a connector may tell the engine (ids and sizes only). */
export interface ConnectorEvents {
  /** The platform refused a feed page size; it reads smaller pages from now on. */
  onPageSizeRefused?: (refused: number, next: number) => void;
  /** The platform answered 429 (too many requests); counted in the run history. */
  onRateLimited?: () => void;
}
