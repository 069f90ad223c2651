import { type Kysely, sql } from 'kysely';
import type { Queue } from '../queue/queue.js';
import type { Database } from '../store/schema.js';
import type { Tenant } from '../tenants/tenant-store.js';
import { toRun } from './run-history.js';
import type { Dashboard, DashboardTenant, Series, SyncRun } from './run-schemas.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const HOURS = 24;
const DAYS = 30;
/** The UTC day of an hour row; a literal, so PostgreSQL sees the select's and the GROUP BY's as one. */
const dayOf = sql<number>`hour / ${sql.lit(DAY_MS)}`;

export interface DashboardDeps {
  db: Kysely<Database>;
  queue: Queue;
  tenants: { list(): Promise<Tenant[]> };
}

/** One bucket's sums as the queries return them (numbers or numeric strings, by dialect). */
interface BucketRow {
  tenant_id: string;
  bucket: number | string;
  rounds: number | string;
  failed: number | string;
  dataverse_written: number | string;
  mailplus_written: number | string;
  rejected: number | string;
  last_ok_at: number | string | null;
}

/**
 * The dashboard: every tenant's state, last round, lag, queue depth and dead letters, and its charts
 * of the last 24 hours and 30 days. Built from a handful of queries whatever the number of tenants:
 * the charts read the per-hour sums (migration 0015), never the rounds themselves.
 */
export async function buildDashboard(deps: DashboardDeps, now: number): Promise<Dashboard> {
  const { db } = deps;
  const tenants = (await deps.tenants.list()).filter((t) => t.status !== 'terminated');
  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS;
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS - (DAYS - 1) * DAY_MS;
  const [last, lastOk, loading, hourly, daily, queue] = await Promise.all([
    lastRounds(db, false),
    lastRounds(db, true),
    loadingTenants(db),
    db
      .selectFrom('sync_run_hours')
      .select([
        'tenant_id',
        'hour as bucket',
        'rounds',
        'failed',
        'dataverse_written',
        'mailplus_written',
        'rejected',
        'last_ok_at',
      ])
      .where('hour', '>=', hourStart)
      .execute() as Promise<BucketRow[]>,
    db
      .selectFrom('sync_run_hours')
      .select((eb) => [
        'tenant_id',
        dayOf.as('bucket'),
        eb.fn.sum<number>('rounds').as('rounds'),
        eb.fn.sum<number>('failed').as('failed'),
        eb.fn.sum<number>('dataverse_written').as('dataverse_written'),
        eb.fn.sum<number>('mailplus_written').as('mailplus_written'),
        eb.fn.sum<number>('rejected').as('rejected'),
        eb.fn.max<number | null>('last_ok_at').as('last_ok_at'),
        // What the hourly chart's first point looks back to: the last success before its window.
        eb.fn.max<number | null>(sql`CASE WHEN hour < ${hourStart} THEN last_ok_at END`).as('ok_before'),
      ])
      .where('hour', '>=', dayStart)
      .groupBy(['tenant_id', dayOf])
      .execute() as Promise<Array<BucketRow & { ok_before: number | string | null }>>,
    deps.queue.stats(),
  ]);
  const depth = new Map<string, { live: number; dead: number }>();
  for (const s of queue) {
    const d = depth.get(s.tenantId) ?? { live: 0, dead: 0 };
    d.live += s.ready + s.scheduled + s.inFlight;
    d.dead += s.dead;
    depth.set(s.tenantId, d);
  }
  const okBefore = new Map<string, number>();
  for (const row of daily)
    if (row.ok_before != null)
      okBefore.set(row.tenant_id, Math.max(okBefore.get(row.tenant_id) ?? 0, Number(row.ok_before)));
  const hourlyBy = groupBy(hourly);
  const dailyBy = groupBy(daily.map((r) => ({ ...r, bucket: Number(r.bucket) * DAY_MS })));
  const rows = tenants.map((tenant): DashboardTenant => {
    const lastRound = last.get(tenant.id) ?? null;
    const lastSuccessAt = lastOk.get(tenant.id)?.endedAt ?? null;
    const { state, reason } = stateOf(tenant, lastRound, loading.get(tenant.id));
    const d = depth.get(tenant.id) ?? { live: 0, dead: 0 };
    return {
      id: tenant.id,
      name: tenant.name,
      status: tenant.status,
      state,
      reason,
      lastRound,
      lastSuccessAt,
      lagSeconds: lastSuccessAt === null ? null : Math.max(0, (now - lastSuccessAt) / 1000),
      queueDepth: d.live,
      deadLetters: d.dead,
      hourly: series(
        hourlyBy.get(tenant.id),
        hourStart,
        HOUR_MS,
        HOURS,
        now,
        okBefore.get(tenant.id) ?? null,
      ),
      daily: series(dailyBy.get(tenant.id), dayStart, DAY_MS, DAYS, now, null),
    };
  });
  const count = (s: DashboardTenant['state']) => rows.filter((r) => r.state === s).length;
  return {
    generatedAt: now,
    totals: {
      tenants: rows.length,
      live: count('live'),
      loading: count('loading'),
      paused: count('paused'),
      failing: count('failing'),
      queueDepth: rows.reduce((n, r) => n + r.queueDepth, 0),
      deadLetters: rows.reduce((n, r) => n + r.deadLetters, 0),
    },
    tenants: rows,
  };
}

/** Each tenant's newest round (or newest successful one): one index probe per tenant. */
async function lastRounds(db: Kysely<Database>, okOnly: boolean): Promise<Map<string, SyncRun>> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('tenants')
        .select((inner) =>
          inner
            .selectFrom('sync_runs as s')
            .select('s.id')
            .whereRef('s.tenant_id', '=', 'tenants.id')
            .$if(okOnly, (q) => q.where('s.outcome', '=', 'ok'))
            .orderBy('s.started_at', 'desc')
            .orderBy('s.id', 'desc')
            .limit(1)
            .as('id'),
        )
        .where('tenants.status', '!=', 'terminated'),
    )
    .execute();
  return new Map(rows.map((r) => [r.tenant_id, toRun(r)]));
}

/** Tenants whose first load or a full resync is under way, from their checkpoints. */
async function loadingTenants(db: Kysely<Database>): Promise<Map<string, 'initial' | 'resync'>> {
  const rows = await db
    .selectFrom('sync_checkpoints')
    .select(['tenant_id', 'source', 'position'])
    .where('source', 'in', ['dataverse-initial', 'dataverse-resync'])
    .execute();
  const done = new Set(
    rows.filter((r) => r.source === 'dataverse-initial' && r.position === 'done').map((r) => r.tenant_id),
  );
  const result = new Map<string, 'initial' | 'resync'>();
  for (const r of rows) if (r.source === 'dataverse-resync') result.set(r.tenant_id, 'resync');
  for (const r of rows)
    if (r.source === 'dataverse-initial' && !done.has(r.tenant_id)) result.set(r.tenant_id, 'initial');
  // A tenant with no initial checkpoint at all has not begun its first load: told by "no round yet".
  return result;
}

function stateOf(
  tenant: Tenant,
  last: SyncRun | null,
  loading: 'initial' | 'resync' | undefined,
): { state: DashboardTenant['state']; reason: string | null } {
  if (tenant.status === 'paused')
    return { state: 'paused', reason: 'paused by an administrator (resume to sync again)' };
  if (last?.outcome === 'failed') {
    const code = last.errorCode ? ` (${last.errorCode})` : '';
    return { state: 'failing', reason: `the last round failed: ${last.errorClass ?? 'Error'}${code}` };
  }
  if (!last) return { state: 'loading', reason: 'no round yet' };
  // Not the last round's kind: that round may have finished the first load; the checkpoint knows.
  if (loading === 'initial') return { state: 'loading', reason: 'first load under way' };
  if (loading === 'resync') return { state: 'loading', reason: 'full resync under way' };
  return { state: 'live', reason: null };
}

function groupBy(rows: BucketRow[]): Map<string, Map<number, BucketRow>> {
  const by = new Map<string, Map<number, BucketRow>>();
  for (const row of rows) {
    const m = by.get(row.tenant_id) ?? new Map<number, BucketRow>();
    by.set(row.tenant_id, m);
    m.set(Number(row.bucket), row);
  }
  return by;
}

/** `count` buckets from `start`, oldest first, zeros where nothing ran; the lag carried forward. */
function series(
  rows: Map<number, BucketRow> | undefined,
  start: number,
  size: number,
  count: number,
  now: number,
  okBefore: number | null,
): Series {
  const out: Series = {
    start,
    stepSeconds: size / 1000,
    rounds: [],
    failed: [],
    dataverseWritten: [],
    mailplusWritten: [],
    rejected: [],
    lagSeconds: [],
  };
  let lastOk = okBefore;
  for (let i = 0; i < count; i++) {
    const at = start + i * size;
    const row = rows?.get(at);
    if (row?.last_ok_at != null) lastOk = Math.max(lastOk ?? 0, Number(row.last_ok_at));
    const end = Math.min(at + size, now);
    out.rounds.push(Number(row?.rounds ?? 0));
    out.failed.push(Number(row?.failed ?? 0));
    out.dataverseWritten.push(Number(row?.dataverse_written ?? 0));
    out.mailplusWritten.push(Number(row?.mailplus_written ?? 0));
    out.rejected.push(Number(row?.rejected ?? 0));
    out.lagSeconds.push(lastOk === null ? null : Math.max(0, Math.round((end - lastOk) / 1000)));
  }
  return out;
}
