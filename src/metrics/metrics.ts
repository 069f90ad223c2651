import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SyncHealth } from '../alerts/sync-health.js';
import type { Clock } from '../clock.js';
import type { ClaimedMessage, QueueStats } from '../queue/queue.js';
import type { QueueObserver } from '../queue/sql-queue.js';
import type { Store } from '../store/open-store.js';

/** The services koppel calls; `entra-id` is Dataverse's token endpoint. */
export type ApiService = 'dataverse' | 'mailplus';

export interface MetricsSources {
  store: Store;
  clock: Clock;
  /** The queue's figures per tenant and queue (the queue is made after the metrics: hence a function). */
  queueStats: () => Promise<QueueStats[]>;
  syncHealth: SyncHealth;
}

/**
 * koppel's Prometheus metrics, on a registry of its own (not prom-client's global one, so two apps in
 * one process, as in the tests, do not mix). Labels carry tenant ids, queue and service names only,
 * never personal data. Figures the store holds (queue depth, dead letters, sync lag, retention) are
 * read at each scrape, so every process reports the cluster's truth; counters are this process's.
 */
export class Metrics implements QueueObserver {
  readonly registry = new Registry();
  readonly #queueMessages: Gauge;
  readonly #queueOldest: Gauge;
  readonly #deadLetters: Gauge;
  readonly #delivered: Counter;
  readonly #rejected: Counter;
  readonly #apiCalls: Counter;
  readonly #apiThrottled: Counter;
  readonly #apiSeconds: Histogram;
  readonly #syncLag: Gauge;
  readonly #syncFailing: Gauge;
  readonly #syncRounds: Counter;
  readonly #leaseOwned: Gauge;
  readonly #takeovers: Counter;
  readonly #retentionLastRun: Gauge;
  readonly #retentionPurged: Gauge;
  readonly #retentionFailed: Gauge;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, labelNames: string[]) =>
      new Gauge({ name, help, labelNames, registers });
    const counter = (name: string, help: string, labelNames: string[]) =>
      new Counter({ name, help, labelNames, registers });
    this.#queueMessages = gauge(
      'koppel_queue_messages',
      'Live messages per tenant, queue and state (ready, scheduled, in_flight)',
      ['tenant', 'queue', 'state'],
    );
    this.#queueOldest = gauge(
      'koppel_queue_oldest_message_age_seconds',
      'Age of the oldest live message per tenant and queue',
      ['tenant', 'queue'],
    );
    this.#deadLetters = gauge('koppel_queue_dead_letters', 'Dead letters per tenant and queue', [
      'tenant',
      'queue',
    ]);
    this.#delivered = counter(
      'koppel_queue_messages_delivered_total',
      'Messages delivered (completed) by this process',
      ['tenant', 'queue'],
    );
    this.#rejected = counter(
      'koppel_queue_messages_rejected_total',
      'Messages dead-lettered by this process, by reason',
      ['tenant', 'queue', 'reason'],
    );
    this.#apiCalls = counter(
      'koppel_api_calls_total',
      'HTTP calls to Dataverse (with its token endpoint) and Mail+, by status class',
      ['service', 'tenant', 'status'],
    );
    this.#apiThrottled = counter('koppel_api_throttled_total', 'Calls answered 429 Too Many Requests', [
      'service',
      'tenant',
    ]);
    this.#apiSeconds = new Histogram({
      name: 'koppel_api_call_duration_seconds',
      help: 'Duration of HTTP calls per service',
      labelNames: ['service'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#syncLag = gauge(
      'koppel_sync_lag_seconds',
      "Seconds since the tenant's last successful sync round",
      ['tenant'],
    );
    this.#syncFailing = gauge(
      'koppel_sync_failing_seconds',
      "Seconds the tenant's sync rounds have been failing (0 when they succeed)",
      ['tenant', 'kind'],
    );
    this.#syncRounds = counter('koppel_sync_rounds_total', 'Sync rounds run by this process', [
      'tenant',
      'result',
    ]);
    this.#leaseOwned = gauge(
      'koppel_tenant_lease_owned',
      "1 for each tenant whose sync lease this process holds, labelled with the owner's id",
      ['tenant', 'owner'],
    );
    this.#takeovers = counter(
      'koppel_tenant_lease_takeovers_total',
      'Leases this process took over from another worker (its lease had expired)',
      ['tenant'],
    );
    this.#retentionLastRun = gauge(
      'koppel_retention_last_run_timestamp_seconds',
      'When each retention class was last purged',
      ['class'],
    );
    this.#retentionPurged = gauge(
      'koppel_retention_last_run_purged',
      'Items the last purge of each retention class deleted',
      ['class'],
    );
    this.#retentionFailed = gauge(
      'koppel_retention_last_run_failed',
      '1 when the last purge of the retention class failed',
      ['class'],
    );
  }

  completed(messages: readonly ClaimedMessage[]): void {
    for (const m of messages) this.#delivered.inc({ tenant: m.tenantId, queue: m.queue });
  }

  deadLettered(messages: readonly ClaimedMessage[], reason: string): void {
    for (const m of messages) this.#rejected.inc({ tenant: m.tenantId, queue: m.queue, reason });
  }

  /** One HTTP call: `status` null when no answer came (timeout, reset). */
  apiCall(service: ApiService, tenant: string, status: number | null, seconds: number): void {
    const statusClass = status === null ? 'error' : `${Math.floor(status / 100)}xx`;
    this.#apiCalls.inc({ service, tenant, status: statusClass });
    if (status === 429) this.#apiThrottled.inc({ service, tenant });
    this.#apiSeconds.observe({ service }, seconds);
  }

  syncRound(tenant: string, ok: boolean): void {
    this.#syncRounds.inc({ tenant, result: ok ? 'ok' : 'failed' });
  }

  /** For the lease manager: this process now holds (owner) or no longer holds (null) the tenant's lease. */
  leaseOwner(tenant: string, owner: string | null): void {
    for (const held of this.#owned.get(tenant) ?? []) {
      if (held !== owner) this.#leaseOwned.remove({ tenant, owner: held });
    }
    this.#owned.set(tenant, owner === null ? [] : [owner]);
    if (owner !== null) this.#leaseOwned.set({ tenant, owner }, 1);
  }

  readonly #owned = new Map<string, string[]>();

  /** For the lease manager: a lease was taken over from a worker that stopped renewing it. */
  leaseTakeover(tenant: string): void {
    this.#takeovers.inc({ tenant });
  }

  /** The text exposition format, after reading the store's figures. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await this.#refresh();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  async #refresh(): Promise<void> {
    const now = this.sources.clock.now();
    const stats = await this.sources.queueStats();
    this.#queueMessages.reset();
    this.#queueOldest.reset();
    this.#deadLetters.reset();
    for (const s of stats) {
      const labels = { tenant: s.tenantId, queue: s.queue };
      this.#queueMessages.set({ ...labels, state: 'ready' }, s.ready);
      this.#queueMessages.set({ ...labels, state: 'scheduled' }, s.scheduled);
      this.#queueMessages.set({ ...labels, state: 'in_flight' }, s.inFlight);
      this.#deadLetters.set(labels, s.dead);
      this.#queueOldest.set(labels, s.oldestEnqueuedAt === null ? 0 : (now - s.oldestEnqueuedAt) / 1000);
    }
    this.#syncLag.reset();
    this.#syncFailing.reset();
    for (const h of await this.sources.syncHealth.list()) {
      if (h.lastOkAt !== null) this.#syncLag.set({ tenant: h.tenantId }, (now - h.lastOkAt) / 1000);
      if (h.failingSince !== null)
        this.#syncFailing.set(
          { tenant: h.tenantId, kind: h.errorKind ?? 'other' },
          (now - h.failingSince) / 1000,
        );
    }
    const runs = await this.sources.store.db.selectFrom('retention_runs').selectAll().execute();
    for (const r of runs) {
      this.#retentionLastRun.set({ class: r.class }, Number(r.ran_at) / 1000);
      this.#retentionPurged.set({ class: r.class }, Number(r.purged));
      this.#retentionFailed.set({ class: r.class }, r.error === null ? 0 : 1);
    }
  }
}
