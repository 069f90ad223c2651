import type { App } from '../app.js';
import type { Clock } from '../clock.js';
import type { DynamicsClient } from '../connectors/dynamics/index.js';
import { OrgThrottleRegistry } from '../connectors/dynamics/org-throttle.js';
import { MailplusConnector } from '../connectors/mailplus/index.js';
import type { Logger } from '../log/logger.js';
import { dataverseClientFor, mailplusClientFor } from '../tenants/connect.js';
import { CheckpointStore } from './checkpoint-store.js';
import { ContactStateStore } from './contact-state.js';
import { FieldHasher } from './field-hasher.js';
import { IdentityMap } from './identity-map.js';
import type { SyncContext } from './sync-context.js';
import type { SyncMapper } from './sync-mapper.js';
import { SyncStats } from './sync-stats.js';
import { type RoundResult, syncRound } from './tenant-sync.js';

export interface SyncEngineOptions {
  clock: Clock;
  log: Logger;
  /** Builds the mapper of a tenant from its sync definition. */
  mapperFor: (tenantId: string) => Promise<SyncMapper>;
  /** Mail+ feed overlap; must exceed the feed's visibility lag plus clock skew. Default 10 minutes. */
  mailplusOverlapMs?: number;
  /** Where a tenant's first Mail+ feed window starts; default the moment its sync first runs. */
  mailplusFrom?: number;
}

interface TenantHandle {
  ctx: SyncContext;
  mailplusFrom: number;
  /** When the last round that completed ended (ms epoch); null before the first. */
  lastRoundAt: number | null;
  close(): Promise<void>;
}

/** Runs the two-way sync of one or more tenants: rounds of polling both sides and delivering. */
export class SyncEngine {
  readonly #throttles: OrgThrottleRegistry;
  readonly #tenants = new Map<string, TenantHandle>();

  constructor(
    private readonly app: App,
    private readonly options: SyncEngineOptions,
  ) {
    // One registry for the process: a 429 pauses every client of that organisation.
    this.#throttles = new OrgThrottleRegistry(options.clock);
  }

  async context(tenantId: string): Promise<SyncContext> {
    return (await this.#handle(tenantId)).ctx;
  }

  async round(tenantId: string): Promise<RoundResult> {
    // Checked every round: a tenant terminated (or paused) by another process stops here at once.
    const tenant = await this.app.tenants.get(tenantId);
    if (tenant.status !== 'active') {
      await this.#drop(tenantId);
      throw new Error(`tenant ${tenantId} is ${tenant.status}; its sync has stopped`);
    }
    const handle = await this.#handle(tenantId);
    const result = await syncRound(handle.ctx, { mailplusFrom: handle.mailplusFrom });
    handle.lastRoundAt = this.options.clock.now();
    return result;
  }

  /**
   * Read-only, for the status API: a tenant's counters and when its last completed round ended.
   * Undefined while this engine has not worked for the tenant yet.
   */
  progress(tenantId: string): { stats: Readonly<SyncStats>; lastRoundAt: number | null } | undefined {
    const handle = this.#tenants.get(tenantId);
    return handle && { stats: handle.ctx.stats, lastRoundAt: handle.lastRoundAt };
  }

  async #drop(tenantId: string): Promise<void> {
    const handle = this.#tenants.get(tenantId);
    this.#tenants.delete(tenantId);
    this.app.keys.forget(tenantId);
    await handle?.close();
  }

  async close(): Promise<void> {
    for (const handle of this.#tenants.values()) await handle.close();
    this.#tenants.clear();
  }

  async #handle(tenantId: string): Promise<TenantHandle> {
    const existing = this.#tenants.get(tenantId);
    if (existing) return existing;
    const { app, options } = this;
    const tenant = await app.tenants.get(tenantId);
    if (tenant.status !== 'active')
      throw new Error(`tenant ${tenantId} is ${tenant.status}; only active tenants sync`);
    const settings = await app.tenants.settings(tenantId);
    const dataverse: DynamicsClient = dataverseClientFor(settings.dataverse, {
      throttles: this.#throttles,
      clock: options.clock,
    });
    const mailplusClient = mailplusClientFor(settings.mailplus, {
      throttles: this.#throttles,
      clock: options.clock,
      onUpdatesPageRefused: (refused, next) =>
        options.log.warn(
          { event: 'mailplus.page-size-refused', tenant: tenantId, refused, next },
          'Mail+ refused the updates page size; reading smaller pages',
        ),
    });
    const connector = new MailplusConnector(mailplusClient, {
      overlapMs: options.mailplusOverlapMs,
      clock: options.clock,
    });
    const ctx: SyncContext = {
      tenantId,
      mapper: await options.mapperFor(tenantId),
      hasher: new FieldHasher((await app.keys.current(tenantId)).key),
      queue: app.queue,
      states: new ContactStateStore(app.store, options.clock),
      identities: new IdentityMap(app.store, options.clock),
      store: app.store,
      checkpoints: new CheckpointStore(app.store, options.clock),
      dataverse,
      mailplus: connector,
      clock: options.clock,
      log: options.log,
      stats: new SyncStats(),
    };
    const handle: TenantHandle = {
      ctx,
      mailplusFrom: options.mailplusFrom ?? options.clock.now(),
      lastRoundAt: null,
      close: async () => {
        await dataverse.close();
        await mailplusClient.close();
      },
    };
    this.#tenants.set(tenantId, handle);
    return handle;
  }
}
