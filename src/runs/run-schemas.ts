import { z } from 'zod';

/**
 * The shapes of the dashboard and runs API (docs/console-api.md): the routes' zod schemas, which also
 * make /api/openapi.json. Ids, counts, times (ms since the epoch) and error classes only.
 */

export const runKind = z.enum(['initial', 'live', 'resync']);
export const runOutcome = z.enum(['ok', 'failed']);

export const syncRunSchema = z.object({
  id: z.number().int(),
  tenantId: z.string(),
  kind: runKind,
  startedAt: z.number().int(),
  endedAt: z.number().int(),
  outcome: runOutcome,
  dataverseRead: z.number().int(),
  mailplusRead: z.number().int(),
  dataverseWritten: z.number().int(),
  mailplusWritten: z.number().int(),
  rejected: z.number().int(),
  retries: z.number().int(),
  /** 429 answers from either service during the round. */
  rateLimited: z.number().int(),
  /** A failed round's error class (e.g. RetryableError) and its service code or HTTP status. */
  errorClass: z.string().nullable(),
  errorCode: z.string().nullable(),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

export const runRejectSchema = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  tenantId: z.string(),
  at: z.number().int(),
  /** Where the record was going: mailplus or dataverse. */
  side: z.string(),
  /** koppel's contact id (the Dataverse contactid); never an e-mail address. */
  contactId: z.string(),
  /** The field, as the mapping names it (e.g. `emailaddress1 -> email`); null when the reason names none. */
  field: z.string().nullable(),
  /** The rule it broke, e.g. `is not a valid e-mail address`. */
  rule: z.string(),
  /** The dead-letter reason: rejected, permanent, MaxDeliveryCountExceeded, ... */
  reason: z.string(),
  /** The dead letter (koppel dlq show), while it is kept. */
  deadLetterSeq: z.number().int().nullable(),
});
export type RunReject = z.infer<typeof runRejectSchema>;

const time = z.coerce.number().int().min(0);
const limit = z.coerce.number().int().min(1).max(500).default(100);

export const runsQuerySchema = z.strictObject({
  tenant: z.string().min(1).max(63).optional(),
  /** Rounds that started at or after this time (ms epoch). */
  from: time.optional(),
  /** Rounds that started before this time (ms epoch). */
  to: time.optional(),
  outcome: runOutcome.optional(),
  kind: runKind.optional(),
  limit,
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(100).optional(),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export const runsPageSchema = z.object({
  runs: z.array(syncRunSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type RunsPage = z.infer<typeof runsPageSchema>;

export const rejectsQuerySchema = z.strictObject({
  /** Only rejects naming this field (exact). */
  field: z.string().max(200).optional(),
  /** Only this dead-letter reason (exact). */
  reason: z.string().max(100).optional(),
  /** Only these contact ids (exact). */
  contact: z.string().max(100).optional(),
  limit,
  cursor: z.string().max(100).optional(),
});
export type RejectsQuery = z.infer<typeof rejectsQuerySchema>;

export const rejectsPageSchema = z.object({
  run: syncRunSchema,
  rejects: z.array(runRejectSchema),
  nextCursor: z.string().nullable(),
});

export const rejectsCsvQuerySchema = z.strictObject({
  tenant: z.string().min(1).max(63).optional(),
  from: time.optional(),
  to: time.optional(),
});
export type RejectsCsvQuery = z.infer<typeof rejectsCsvQuerySchema>;

export const tenantState = z.enum(['loading', 'live', 'paused', 'failing']);

/**
 * A chart's data as columns: bucket i starts at `start + i * stepSeconds * 1000` (UTC hours or days),
 * oldest first; every array has one number per bucket. Columns, not an object per bucket: 200 tenants'
 * 54 buckets as objects made the answer 1.4 MB.
 */
const series = z.object({
  /** The first bucket's start, ms epoch. */
  start: z.number().int(),
  stepSeconds: z.number().int(),
  rounds: z.array(z.number().int()),
  failed: z.array(z.number().int()),
  dataverseWritten: z.array(z.number().int()),
  mailplusWritten: z.array(z.number().int()),
  rejected: z.array(z.number().int()),
  /**
   * Whole seconds from the bucket's end (now, for the current one) back to the end of the last
   * successful round; null where none is known (no successful round within the history yet).
   */
  lagSeconds: z.array(z.number().int().nullable()),
});
export type Series = z.infer<typeof series>;

export const dashboardTenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'paused', 'terminated']),
  state: tenantState,
  /** Why the state is what it is, in English; ids and error classes only. */
  reason: z.string().nullable(),
  lastRound: syncRunSchema.nullable(),
  lastSuccessAt: z.number().int().nullable(),
  /** Seconds since the last successful round ended; null before the first. */
  lagSeconds: z.number().nullable(),
  /** Messages waiting or in flight in both directions. */
  queueDepth: z.number().int(),
  deadLetters: z.number().int(),
  /** Per UTC hour, the last 24 hours (24 buckets, the current hour last). */
  hourly: series,
  /** Per UTC day, the last 30 days (30 buckets, today last). */
  daily: series,
});
export type DashboardTenant = z.infer<typeof dashboardTenantSchema>;

export const dashboardSchema = z.object({
  generatedAt: z.number().int(),
  totals: z.object({
    tenants: z.number().int(),
    live: z.number().int(),
    loading: z.number().int(),
    paused: z.number().int(),
    failing: z.number().int(),
    queueDepth: z.number().int(),
    deadLetters: z.number().int(),
  }),
  tenants: z.array(dashboardTenantSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const pauseResultSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'paused']),
  /** False when the tenant already had this status (nothing changed). */
  changed: z.boolean(),
});
