import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { Queue } from '../queue/queue.js';
import type { SecurityEventSink } from '../queue/security-event-log.js';
import type { Store } from '../store/open-store.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { ContactStateStore } from './contact-state.js';
import type { Fence } from './fence.js';
import { fieldHasherFor } from './field-hash-key.js';
import { upgradeState } from './hash-upgrade.js';
import { IdentityMap } from './identity-map.js';
import { MailplusIndex } from './mailplus-index.js';
import type { ConnectorFactory } from './ports/index.js';
import { type MassRemovalThresholds, RemovalGuard } from './removal-guard.js';
import { type RoundReport, type RoundReporter, watchRound } from './round-report.js';
import type { SyncContext } from './sync-context.js';
import type { SyncMapper } from './sync-mapper.js';
import { SyncStats } from './sync-stats.js';
import { TenantGuard } from './tenant-guard.js';
import { type RoundResult, syncRound } from './tenant-sync.js';

/** How a round ended, for sync health and alerts (the error itself, classified there). */
export type RoundOutcome = { ok: true } | { ok: false; error: unknown };

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
  /** Told about every round, ok or failed (the run history); a failure to record only logs. */
  onRound?: RoundReporter;
  /**
   * Told how every round of an active tenant ended, with the error itself (sync health, metrics and
   * alerts: src/alerts/ classify it by its detail); its own failure is not the round's, so it only logs.
   */
  onOutcome?: (tenantId: string, outcome: RoundOutcome) => Promise<void>;
  /** Checked by every sync-state write: the cluster's tenant leases (docs/cluster.md); default none. */
  fence?: Fence;
}

interface TenantHandle {
  ctx: SyncContext;
  mailplusFrom: number;
  /** When the last round that completed ended (ms epoch); null before the first. */
  lastRoundAt: number | null;
  close(): Promise<void>;
}

/** A round was asked of a paused tenant: nothing ran, and it syncs again once resumed. */
export class TenantPausedError extends Error {
  constructor(tenantId: string) {
    super(`tenant ${tenantId} is paused; it syncs again once resumed (koppel tenant resume ${tenantId})`);
    this.name = 'TenantPausedError';
  }
}

/** Runs the two-way sync of one or more tenants: rounds of polling both sides and delivering. */
export class SyncEngine {
  readonly #tenants = new Map<string, TenantHandle>();

  constructor(private readonly deps: SyncEngineDeps) {}

  async context(tenantId: string): Promise<SyncContext> {
    return (await this.#handle(tenantId)).ctx;
  }

  async round(tenantId: string): Promise<RoundResult> {
    // Checked every round: a tenant terminated (or paused) by another process stops here at once.
    const tenant = await this.deps.tenants.get(tenantId);
    if (tenant.status !== 'active') {
      await this.#drop(tenantId);
      if (tenant.status === 'paused') throw new TenantPausedError(tenantId);
      throw new Error(`tenant ${tenantId} is ${tenant.status}; its sync has stopped`);
    }
    let handle: TenantHandle;
    try {
      handle = await this.#handle(tenantId);
    } catch (error) {
      // Connecting failed (settings, credentials): as much a failing sync as a failed round.
      await this.#told(tenantId, { ok: false, error });
      throw error;
    }
    const watch = await watchRound(handle.ctx);
    let result: RoundResult;
    try {
      result = await syncRound(handle.ctx, { mailplusFrom: handle.mailplusFrom });
    } catch (error) {
      await this.#report(await watch.finish(error));
      await this.#told(tenantId, { ok: false, error });
      throw error;
    }
    handle.lastRoundAt = this.deps.clock.now();
    await this.#report(await watch.finish(null));
    await this.#told(tenantId, { ok: true });
    return result;
  }

  async #told(tenantId: string, outcome: RoundOutcome): Promise<void> {
    try {
      await this.deps.onOutcome?.(tenantId, outcome);
    } catch (error) {
      this.deps.log.warn(
        { event: 'sync.outcome-not-recorded', tenant: tenantId, error: (error as Error).name },
        'the outcome of a sync round could not be recorded (sync health)',
      );
    }
  }

  /** Recording is not the round's work: a store hiccup here must not fail (and repeat) the round. */
  async #report(report: RoundReport): Promise<void> {
    try {
      await this.deps.onRound?.(report);
    } catch (error) {
      this.deps.log.warn(
        { event: 'sync.round-not-recorded', tenant: report.tenantId, error: (error as Error).name },
        'the round could not be recorded in the run history',
      );
    }
  }

  /**
   * Read-only, for the status API: a tenant's counters and when its last completed round ended.
   * Undefined while this engine has not worked for the tenant yet.
   */
  progress(tenantId: string): { stats: Readonly<SyncStats>; lastRoundAt: number | null } | undefined {
    const handle = this.#tenants.get(tenantId);
    return handle && { stats: handle.ctx.stats, lastRoundAt: handle.lastRoundAt };
  }

  /** Forgets a tenant this process no longer owns (its lease moved): a new owner starts afresh. */
  async forget(tenantId: string): Promise<void> {
    await this.#drop(tenantId);
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
    const checkpoints = new CheckpointStore(deps.store, deps.clock, deps.fence);
    const hasher = await fieldHasherFor(deps.keys, checkpoints, tenantId);
    const stats = new SyncStats();
    const { crm, marketing } = await deps.connectors(tenantId, {
      onRateLimited: () => {
        stats.rateLimited++;
      },
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
      states: new ContactStateStore(
        deps.store,
        deps.clock,
        (state) => upgradeState(hasher, state),
        deps.fence,
      ),
      identities: new IdentityMap(deps.store, deps.clock, deps.fence),
      mailplusIndex: new MailplusIndex(deps.store, deps.fence),
      checkpoints,
      dataverse: crm,
      mailplus: marketing,
      clock: deps.clock,
      log: deps.log,
      stats,
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
