import type { SyncContext } from './sync-context.js';

/** What one tenant round did, for the run history: ids, counts and the error class only. */
export interface RoundReport {
  tenantId: string;
  kind: 'initial' | 'live' | 'resync';
  startedAt: number;
  endedAt: number;
  dataverseRead: number;
  mailplusRead: number;
  dataverseWritten: number;
  mailplusWritten: number;
  retries: number;
  rateLimited: number;
  /** Set when the round failed: the error's class name and its service code or HTTP status. */
  error: { class: string; code: string | null } | null;
}

/** Where the engine tells about each round (createApp passes the run history). */
export type RoundReporter = (report: RoundReport) => Promise<void>;

type Counters = Pick<
  SyncContext['stats'],
  'dataverseRead' | 'mailplusRead' | 'writtenToDataverse' | 'writtenToMailplus' | 'retried' | 'rateLimited'
>;

/**
 * Notes the counters and kind at a round's start; `finish` turns the difference into the report.
 * The counters live on the tenant's SyncStats, so the round itself needs no extra bookkeeping.
 */
export async function watchRound(ctx: SyncContext) {
  const startedAt = ctx.clock.now();
  const before = counters(ctx);
  const initial = (await ctx.checkpoints.get(ctx.tenantId, 'dataverse-initial')) !== 'done';
  const resyncBefore = (await ctx.checkpoints.get(ctx.tenantId, 'dataverse-resync')) !== null;
  return {
    async finish(error: unknown): Promise<RoundReport> {
      const after = counters(ctx);
      const resync = resyncBefore || ctx.stats.loading === 'full-resync';
      return {
        tenantId: ctx.tenantId,
        kind: initial ? 'initial' : resync ? 'resync' : 'live',
        startedAt,
        endedAt: ctx.clock.now(),
        dataverseRead: after.dataverseRead - before.dataverseRead,
        mailplusRead: after.mailplusRead - before.mailplusRead,
        dataverseWritten: after.writtenToDataverse - before.writtenToDataverse,
        mailplusWritten: after.writtenToMailplus - before.writtenToMailplus,
        retries: after.retried - before.retried,
        rateLimited: after.rateLimited - before.rateLimited,
        error: error === null ? null : errorClass(error),
      };
    },
  };
}

function counters(ctx: SyncContext): Counters {
  const s = ctx.stats;
  return {
    dataverseRead: s.dataverseRead,
    mailplusRead: s.mailplusRead,
    writtenToDataverse: s.writtenToDataverse,
    // Removals are writes to Mail+ as much as upserts are.
    writtenToMailplus: s.writtenToMailplus + s.removedFromMailplus,
    retried: s.retried,
    rateLimited: s.rateLimited,
  };
}

/** The class and code of an error; its message may quote a service and is not kept. */
function errorClass(error: unknown): { class: string; code: string | null } {
  if (!(error instanceof Error)) return { class: 'Error', code: null };
  const detail = (error as { detail?: { code?: unknown; status?: unknown } }).detail;
  const code = detail?.code ?? detail?.status;
  return { class: error.name, code: code === undefined || code === null ? null : String(code) };
}
