import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { Queue } from '../queue/queue.js';
import type { SecurityEventSink } from '../queue/security-event-log.js';
import type { Store } from '../store/open-store.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { ContactStateStore } from './contact-state.js';
import { fieldHasherFor } from './field-hash-key.js';
import { upgradeState } from './hash-upgrade.js';
import { IdentityMap } from './identity-map.js';
import { MailplusIndex } from './mailplus-index.js';
import type { ConnectorFactory } from './ports/index.js';
import { type MassRemovalThresholds, RemovalGuard } from './removal-guard.js';
import type { SyncContext } from './sync-context.js';
import type { SyncMapper } from './sync-mapper.js';
import { SyncStats } from './sync-stats.js';
import { TenantGuard } from './tenant-guard.js';
import { type RoundResult, syncRound } from './tenant-sync.js';

/** What the engine is built from; createApp passes its own parts. */
export interface SyncEngineDeps {
  store: Store;
  queue: Queue;
  keys: KeyRing;
  tenants: TenantStore;
  clock: Clock;
  log: Logger;
  /** Builds a tenant's two sides from its settings: the engine never imports a connector. */
  connectors: ConnectorFactory;
  /** Builds the mapper of a tenant from its sync definition. */
  mapperFor: (tenantId: string) => Promise<SyncMapper>;
  /** Where a tenant's first Mail+ feed window starts; default the moment its sync first runs. */
  mailplusFrom?: number;
  /** Where the guards record cross-tenant refusals and mass-removal pauses (the security event log). */
  securityEvents?: SecurityEventSink;
  /** When a round's removals pause a tenant's removals; default max(50, 10 x its average). */
  massRemoval?: MassRemovalThresholds;
  /**
   * Told how every round ended (sync health, metrics and alerts: src/alerts/); its own failure is not
   * the round's, so it is caught and logged.
   */
  onRound?: (tenantId: string, outcome: { ok: true } | { ok: false; error: unknown }) => Promise<void>;
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
  readonly #tenants = new Map<string, TenantHandle>();

  constructor(private readonly deps: SyncEngineDeps) {}

  async context(tenantId: string): Promise<SyncContext> {
    return (await this.#handle(tenantId)).ctx;
  }

  async round(tenantId: string): Promise<RoundResult> {
    try {
      const result = await this.#round(tenantId);
      await this.#told(tenantId, { ok: true });
      return result;
    } catch (error) {
      await this.#told(tenantId, { ok: false, error });
      throw error;
    }
  }

  async #told(tenantId: string, outcome: { ok: true } | { ok: false; error: unknown }): Promise<void> {
    try {
      await this.deps.onRound?.(tenantId, outcome);
    } catch (error) {
      this.deps.log.warn(
        { event: 'sync.round-hook-failed', tenant: tenantId, error: (error as Error).name },
        'recording the outcome of a sync round failed',
      );
    }
  }

  async #round(tenantId: string): Promise<RoundResult> {
    // Checked every round: a tenant terminated (or paused) by another process stops here at once.
    const tenant = await this.deps.tenants.get(tenantId);
    if (tenant.status !== 'active') {
      await this.#drop(tenantId);
      throw new Error(`tenant ${tenantId} is ${tenant.status}; its sync has stopped`);
    }
    const handle = await this.#handle(tenantId);
    const result = await syncRound(handle.ctx, { mailplusFrom: handle.mailplusFrom });
    handle.lastRoundAt = this.deps.clock.now();
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
    this.deps.keys.forget(tenantId);
    await handle?.close();
  }

  async close(): Promise<void> {
    for (const handle of this.#tenants.values()) await handle.close();
    this.#tenants.clear();
  }

  async #handle(tenantId: string): Promise<TenantHandle> {
    const existing = this.#tenants.get(tenantId);
    if (existing) return existing;
    const { deps } = this;
    const tenant = await deps.tenants.get(tenantId);
    if (tenant.status !== 'active')
      throw new Error(`tenant ${tenantId} is ${tenant.status}; only active tenants sync`);
    const mapper = await deps.mapperFor(tenantId);
    const checkpoints = new CheckpointStore(deps.store, deps.clock);
    const hasher = await fieldHasherFor(deps.keys, checkpoints, tenantId);
    const { crm, marketing } = await deps.connectors(tenantId, {
      onPageSizeRefused: (refused, next) =>
        deps.log.warn(
          { event: 'mailplus.page-size-refused', tenant: tenantId, refused, next },
          'Mail+ refused the updates page size; reading smaller pages',
        ),
    });
    const ctx: SyncContext = {
      tenantId,
      mapper,
      hasher,
      queue: deps.queue,
      states: new ContactStateStore(deps.store, deps.clock, (state) => upgradeState(hasher, state)),
      identities: new IdentityMap(deps.store, deps.clock),
      mailplusIndex: new MailplusIndex(deps.store),
      checkpoints,
      dataverse: crm,
      mailplus: marketing,
      clock: deps.clock,
      log: deps.log,
      stats: new SyncStats(),
      tenantGuard: new TenantGuard(deps.store, deps.securityEvents),
      removals: new RemovalGuard(checkpoints, deps.clock, deps.massRemoval, deps.securityEvents),
    };
    const handle: TenantHandle = {
      ctx,
      mailplusFrom: deps.mailplusFrom ?? deps.clock.now(),
      lastRoundAt: null,
      close: async () => {
        await crm.close();
        await marketing.close();
      },
    };
    this.#tenants.set(tenantId, handle);
    return handle;
  }
}
