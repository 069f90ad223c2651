import type { App } from '../app.js';
import type { QueueStats } from '../queue/queue.js';
import { readRuns } from '../retention/retention-runs.js';
import type { SyncEngine } from '../sync/sync-engine.js';

/*
 * What the status API answers. Ids, counts, times and reason codes only: no names, no e-mail addresses,
 * no payloads, and no free-text error descriptions either (a remote system may quote a value in them;
 * `koppel dlq show` prints those to an administrator at the console).
 */

export interface QueueFigures {
  queue: string;
  ready: number;
  scheduled: number;
  inFlight: number;
  dead: number;
  /** Age of the oldest message still to be delivered, or null when there is none. */
  oldestAgeSeconds: number | null;
}

export interface TenantReport {
  id: string;
  /** 'unknown' for a tenant that has queue messages but is not (any more) in the tenant list. */
  status: string;
  /** The figures of the sync running in this process; null when it has not run for the tenant yet. */
  sync: {
    lastRoundAt: string | null;
    /** The engine's SyncStats counters since this process started. */
    counters: Record<string, number>;
    /** A first load or a full resync under way (its figures: dataverseRead, writtenToMailplus). */
    loading: 'initial-load' | 'full-resync' | null;
  } | null;
  /** From the marker the poller stores, so it survives restarts (the counters start at 0 each start). */
  initialLoad: { done: boolean };
  queues: QueueFigures[];
  deadLetters: number;
  /** The interactions feed (docs/interactions.md); null for a tenant whose settings cannot be read. */
  interactions: InteractionsReport | null;
}

export interface InteractionsReport {
  enabled: boolean;
  lastReadAt: string | null;
  lastInteractionAt: string | null;
  /** Activities written per type since this process started. */
  written: Record<string, number>;
  skipped: { unlinked: number; removed: number };
  errors: number;
  lastErrorAt: string | null;
  lastErrorKind: string | null;
}

export interface RetentionReport {
  class: string;
  lastRunAt: string;
  purged: number;
  failed: boolean;
}

export interface StatusReport {
  version: string;
  generatedAt: string;
  tenants: TenantReport[];
  retention: RetentionReport[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const ageSeconds = (now: number, at: number) => Math.max(0, Math.round((now - at) / 1000));

export async function statusReport(
  app: App,
  engine: SyncEngine | undefined,
  version: string,
  now: number,
): Promise<StatusReport> {
  const [tenants, queueStats, runs] = await Promise.all([
    app.tenants.list(),
    app.queue.stats(),
    readRuns(app.store.db),
  ]);
  const byTenant = new Map<string, QueueStats[]>();
  for (const s of queueStats) byTenant.set(s.tenantId, [...(byTenant.get(s.tenantId) ?? []), s]);
  const statusOf = new Map(tenants.map((t) => [t.id, t.status as string]));
  const ids = [...new Set([...statusOf.keys(), ...byTenant.keys()])].sort();
  const loaded = await initialLoadsDone(app);
  const interactions = await interactionsReports(app, [...statusOf.keys()]);
  return {
    version,
    generatedAt: iso(now),
    tenants: ids.map((id) => {
      const queues = (byTenant.get(id) ?? []).map((s) => queueFigures(s, now));
      const progress = engine?.progress(id);
      return {
        id,
        status: statusOf.get(id) ?? 'unknown',
        sync: progress
          ? {
              lastRoundAt: progress.lastRoundAt === null ? null : iso(progress.lastRoundAt),
              counters: numbersOf(progress.stats.snapshot()),
              loading: progress.stats.loading,
            }
          : null,
        initialLoad: { done: loaded.has(id) || progress?.stats.initialLoadDone === true },
        queues,
        deadLetters: queues.reduce((n, q) => n + q.dead, 0),
        interactions: interactions.get(id) ?? null,
      };
    }),
    retention: [...runs].map(([retentionClass, run]) => ({
      class: retentionClass,
      lastRunAt: iso(run.ranAt),
      purged: run.purged,
      failed: run.error !== null,
    })),
  };
}

async function interactionsReports(
  app: App,
  ids: readonly string[],
): Promise<Map<string, InteractionsReport>> {
  const reports = new Map<string, InteractionsReport>();
  for (const id of ids) {
    // A terminated tenant's settings are shredded: it has no interactions to report.
    const status = await app.interactions.status(id).catch(() => null);
    if (!status) continue;
    const at = (ms: number | null) => (ms === null ? null : iso(ms));
    reports.set(id, {
      enabled: status.enabled,
      lastReadAt: at(status.lastReadAt),
      lastInteractionAt: at(status.lastInteractionAt),
      written: { ...status.written },
      skipped: { ...status.skipped },
      errors: status.errors,
      lastErrorAt: at(status.lastErrorAt),
      lastErrorKind: status.lastErrorKind,
    });
  }
  return reports;
}

/** The counters; flags such as initialLoadDone are reported on their own (initialLoad.done). */
function numbersOf(snapshot: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(snapshot).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

function queueFigures(s: QueueStats, now: number): QueueFigures {
  return {
    queue: s.queue,
    ready: s.ready,
    scheduled: s.scheduled,
    inFlight: s.inFlight,
    dead: s.dead,
    oldestAgeSeconds: s.oldestEnqueuedAt === null ? null : ageSeconds(now, s.oldestEnqueuedAt),
  };
}

/**
 * Tenants whose first Dataverse load has finished, by the marker checkpoint the poller sets; it
 * survives restarts, unlike the engine's counters.
 */
async function initialLoadsDone(app: App): Promise<Set<string>> {
  const rows = await app.store.db
    .selectFrom('sync_checkpoints')
    .select('tenant_id')
    .where('source', '=', 'dataverse-initial')
    .where('position', '=', 'done')
    .execute();
  return new Set(rows.map((r) => r.tenant_id));
}

export interface DeadLetterItem {
  seq: number;
  queue: string;
  messageId: string;
  key: string | null;
  reason: string;
  deliveryCount: number;
  /** Since it was dead-lettered; it is deleted after queue.deadLetterRetentionDays. */
  ageSeconds: number;
  enqueuedAgeSeconds: number;
}

export interface DeadLetterReport {
  tenantId: string;
  /** All dead letters of the tenant; `items` holds at most `limit` of them, oldest first. */
  total: number;
  items: DeadLetterItem[];
}

export async function deadLetterReport(
  app: App,
  tenantId: string,
  limit: number,
  now: number,
): Promise<DeadLetterReport> {
  const [letters, stats] = await Promise.all([
    app.queue.listDeadLetters({ tenantId, limit }),
    app.queue.stats(),
  ]);
  return {
    tenantId,
    total: stats.filter((s) => s.tenantId === tenantId).reduce((n, s) => n + s.dead, 0),
    items: letters.map((d) => ({
      seq: d.seq,
      queue: d.queue,
      messageId: d.messageId,
      key: d.key,
      reason: d.reason,
      deliveryCount: d.deliveryCount,
      ageSeconds: ageSeconds(now, d.deadLetteredAt),
      enqueuedAgeSeconds: ageSeconds(now, d.enqueuedAt),
    })),
  };
}
