export type { ConnectorEvents, ConnectorFactory, TenantConnectors } from './connector-factory.js';
export {
  type CrmChangePage,
  type CrmChangeRead,
  CrmFeedExpiredError,
  type CrmPort,
  type CrmReadSpec,
  type CrmRecord,
  type CrmWrite,
  type CrmWriteOutcome,
} from './crm-port.js';
export type {
  Consent,
  MarketingContact,
  MarketingFeedPass,
  MarketingPort,
  MarketingWrite,
  MarketingWriteOutcome,
} from './marketing-port.js';
