import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import type { Database, SyncRunRejectsTable, SyncRunsTable } from '../store/schema.js';
import type { RoundReport } from '../sync/round-report.js';
import { rejectedFields } from './reject-reasons.js';
import type { RejectsQuery, RunReject, RunsPage, RunsQuery, SyncRun } from './run-schemas.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The most rejects one round records per field row set; a mass rejection is summed, not listed. */
const MAX_REJECTS_PER_ROUND = 10_000;
/** The CSV export's ceiling, so one request cannot hold the whole history in memory. */
export const MAX_EXPORT_ROWS = 100_000;

/**
 * The persisted sync-run history: one row per tenant round with its counts, the records it rejected,
 * and the per-hour sums the dashboard's charts read. Ids, counts and error classes only.
 */
export class RunHistory {
  readonly #db: Kysely<Database>;

  constructor(
    store: Store,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {
    this.#db = store.db;
  }

  /**
   * Records a round. Its rejects are the tenant's dead letters of the round's span: the deliverers
   * dead-letter a rejected record with its reason, so this reads them instead of the round keeping a
   * second list (one tenant's rounds never overlap: the engine runs them one at a time).
   */
  async record(report: RoundReport): Promise<number> {
    const dead = await this.#db
      .selectFrom('queue_messages')
      .select(['seq', 'queue', 'order_key', 'message_id', 'dead_reason', 'dead_description', 'dead_at'])
      .where('state', '=', 1)
      .where('dead_at', '>=', report.startedAt)
      .where('dead_at', '<=', report.endedAt)
      .where('tenant_id', '=', report.tenantId)
      .orderBy('seq')
      .limit(MAX_REJECTS_PER_ROUND)
      .execute();
    const ok = report.error === null;
    return this.#db.transaction().execute(async (trx) => {
      const run = await trx
        .insertInto('sync_runs')
        .values({
          tenant_id: report.tenantId,
          kind: report.kind,
          started_at: report.startedAt,
          ended_at: report.endedAt,
          outcome: ok ? 'ok' : 'failed',
          dataverse_read: report.dataverseRead,
          mailplus_read: report.mailplusRead,
          dataverse_written: report.dataverseWritten,
          mailplus_written: report.mailplusWritten,
          rejected: dead.length,
          retries: report.retries,
          rate_limited: report.rateLimited,
          error_class: report.error?.class ?? null,
          error_code: report.error?.code ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const runId = Number(run.id);
      const rows = dead.flatMap((letter) =>
        rejectedFields(letter.dead_description).map((part) => ({
          run_id: runId,
          tenant_id: report.tenantId,
          at: Number(letter.dead_at),
          side: letter.queue === 'to-dataverse' ? 'dataverse' : 'mailplus',
          contact_id: letter.order_key ?? letter.message_id,
          field: part.field,
          rule: part.rule,
          reason: letter.dead_reason ?? 'unknown',
          dead_letter_seq: Number(letter.seq),
        })),
      );
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('sync_run_rejects')
          .values(rows.slice(i, i + 500))
          .execute();
      const hour = Math.floor(report.startedAt / HOUR_MS) * HOUR_MS;
      const sums = {
        rounds: 1,
        failed: ok ? 0 : 1,
        dataverse_read: report.dataverseRead,
        mailplus_read: report.mailplusRead,
        dataverse_written: report.dataverseWritten,
        mailplus_written: report.mailplusWritten,
        rejected: dead.length,
        retries: report.retries,
        rate_limited: report.rateLimited,
      };
      await trx
        .insertInto('sync_run_hours')
        .values({ tenant_id: report.tenantId, hour, ...sums, last_ok_at: ok ? report.endedAt : null })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'hour']).doUpdateSet((eb) => ({
            ...Object.fromEntries(
              Object.keys(sums).map((column) => {
                const c = column as keyof typeof sums;
                return [c, eb(`sync_run_hours.${c}`, '+', eb.ref(`excluded.${c}`))];
              }),
            ),
            // max() of two values is spelled differently per dialect; a round's end only moves forward.
            last_ok_at: eb.fn.coalesce(eb.ref('excluded.last_ok_at'), eb.ref('sync_run_hours.last_ok_at')),
          })),
        )
        .execute();
      return runId;
    });
  }

  async get(id: number): Promise<SyncRun | undefined> {
    const row = await this.#db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  /** Newest first, a page at a time (keyset on start time and id, so pages stay stable as rounds are added). */
  async list(query: RunsQuery): Promise<RunsPage> {
    let q = this.#db.selectFrom('sync_runs').selectAll();
    if (query.tenant) q = q.where('tenant_id', '=', query.tenant);
    if (query.from !== undefined) q = q.where('started_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('started_at', '<', query.to);
    if (query.outcome) q = q.where('outcome', '=', query.outcome);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.cursor) {
      const [at, id] = parseCursor(query.cursor);
      q = q.where((eb) =>
        eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit).map(toRun);
    const last = page.at(-1);
    return {
      runs: page,
      nextCursor: rows.length > query.limit && last ? `${last.startedAt}.${last.id}` : null,
    };
  }

  /** A round's rejected records in the order they were dead-lettered. */
  async rejects(
    runId: number,
    query: RejectsQuery,
  ): Promise<{ rejects: RunReject[]; nextCursor: string | null }> {
    let q = this.#db.selectFrom('sync_run_rejects').selectAll().where('run_id', '=', runId);
    if (query.field) q = q.where('field', '=', query.field);
    if (query.reason) q = q.where('reason', '=', query.reason);
    if (query.contact) q = q.where('contact_id', '=', query.contact);
    if (query.cursor) q = q.where('id', '>', parseId(query.cursor));
    const rows = await q
      .orderBy('id')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit).map(toReject);
    const last = page.at(-1);
    return { rejects: page, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
  }

  /** Rejects of all rounds in a span, oldest first, for the CSV export (at most MAX_EXPORT_ROWS). */
  async rejectsBetween(filter: { tenant?: string; from?: number; to?: number }): Promise<RunReject[]> {
    let q = this.#db.selectFrom('sync_run_rejects').selectAll();
    if (filter.tenant) q = q.where('tenant_id', '=', filter.tenant);
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('at', '<', filter.to);
    const rows = await q.orderBy('at').orderBy('id').limit(MAX_EXPORT_ROWS).execute();
    return rows.map(toReject);
  }

  /** Retention: rounds (with their rejects and hourly sums) that started runs.retentionDays ago or more. */
  async purge(now = this.clock.now()): Promise<number> {
    const before = now - this.retentionDays * DAY_MS;
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sync_run_rejects').where('at', '<', before).execute();
      // An hour is dropped once all of it is past the horizon.
      await trx
        .deleteFrom('sync_run_hours')
        .where('hour', '<', before - HOUR_MS)
        .execute();
      const runs = await trx.deleteFrom('sync_runs').where('started_at', '<', before).executeTakeFirst();
      return Number(runs.numDeletedRows);
    });
  }
}

/** For the retention inventory: how many rounds are kept and when the oldest started. */
export async function syncRunsInventory(store: Store): Promise<{ items: number; oldestAt: number | null }> {
  const row = await store.db
    .selectFrom('sync_runs')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('started_at').as('oldest')])
    .executeTakeFirstOrThrow();
  return { items: Number(row.n), oldestAt: row.oldest == null ? null : Number(row.oldest) };
}

function parseCursor(cursor: string): [number, number] {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (!match) throw new ConfigError(['cursor: not a cursor this API gave (expected <startedAt>.<id>)']);
  return [Number(match[1]), Number(match[2])];
}

function parseId(cursor: string): number {
  if (!/^\d{1,16}$/.test(cursor))
    throw new ConfigError(['cursor: not a cursor this API gave (expected a number)']);
  return Number(cursor);
}

export function toRun(row: Selectable<SyncRunsTable>): SyncRun {
  return {
    id: Number(row.id),
    tenantId: row.tenant_id,
    kind: row.kind,
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    outcome: row.outcome,
    dataverseRead: Number(row.dataverse_read),
    mailplusRead: Number(row.mailplus_read),
    dataverseWritten: Number(row.dataverse_written),
    mailplusWritten: Number(row.mailplus_written),
    rejected: Number(row.rejected),
    retries: Number(row.retries),
    rateLimited: Number(row.rate_limited),
    errorClass: row.error_class,
    errorCode: row.error_code,
  };
}

function toReject(row: Selectable<SyncRunRejectsTable>): RunReject {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    tenantId: row.tenant_id,
    at: Number(row.at),
    side: row.side,
    contactId: row.contact_id,
    field: row.field,
    rule: row.rule,
    reason: row.reason,
    deadLetterSeq: row.dead_letter_seq == null ? null : Number(row.dead_letter_seq),
  };
}
