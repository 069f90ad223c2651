import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { Queue } from '../queue/queue.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { ContactStateStore } from './contact-state.js';
import type { FieldHasher } from './field-hasher.js';
import type { IdentityMap } from './identity-map.js';
import type { MailplusIndex } from './mailplus-index.js';
import type { CrmPort, MarketingPort } from './ports/index.js';
import type { RemovalGuard } from './removal-guard.js';
import type { SyncMapper } from './sync-mapper.js';
import type { SyncStats } from './sync-stats.js';
import type { TenantGuard } from './tenant-guard.js';

/** Everything one tenant's pollers and deliverers share; built once per tenant by the engine. */
export interface SyncContext {
  tenantId: string;
  mapper: SyncMapper;
  hasher: FieldHasher;
  queue: Queue;
  states: ContactStateStore;
  identities: IdentityMap;
  /** Existing Mail+ contacts, while a first load matches against them. */
  mailplusIndex: MailplusIndex;
  checkpoints: CheckpointStore;
  /** The CRM side (Dataverse). */
  dataverse: CrmPort;
  /** The e-mail-marketing side (Mail+). */
  mailplus: MarketingPort;
  clock: Clock;
  log: Logger;
  stats: SyncStats;
  /** Refuses records that belong to another tenant, in both deliverers. */
  tenantGuard: TenantGuard;
  /** Pauses the tenant's removals on a mass removal until an admin confirms. */
  removals: RemovalGuard;
}
