export type { ConnectorEvents, ConnectorFactory, TenantConnectors } from './connector-factory.js';
export {
  type CrmActivities,
  type CrmActivity,
  type CrmActivityOutcome,
  type CrmActivityTarget,
  type CrmChangePage,
  type CrmChangeRead,
  CrmFeedExpiredError,
  type CrmPort,
  type CrmReadSpec,
  type CrmRecord,
  type CrmWrite,
  type CrmWriteOutcome,
} from './crm-port.js';
export {
  type Consent,
  INTERACTION_TYPES,
  type InteractionType,
  type MarketingContact,
  type MarketingFeedPass,
  type MarketingInteraction,
  type MarketingInteractionPass,
  type MarketingInteractions,
  type MarketingMailing,
  type MarketingPort,
  type MarketingWrite,
  type MarketingWriteOutcome,
} from './marketing-port.js';
