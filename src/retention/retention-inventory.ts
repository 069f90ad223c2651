import type { KoppelConfig } from '../config/config-schema.js';
import { incidentInventory } from '../incidents/incident-retention.js';
import { listLogFiles, logDir, logFileDueAt } from '../log/log-files.js';
import { syncRunsInventory } from '../runs/run-history.js';
import type { Store } from '../store/open-store.js';

const DAY_MS = 86_400_000;

export type RetentionClassId =
  | 'queue-payloads'
  | 'dead-letters'
  | 'duplicate-detection'
  | 'log-files'
  | 'security-events'
  | 'audit-log'
  | 'terminated-tenants'
  | 'incidents'
  | 'sync-runs';

/** What is held now in one class of stored data, and when the oldest of it is due for deletion. */
export interface RetentionInventory {
  id: RetentionClassId;
  /** The rule, in words, for the status listing and docs/security.md. */
  policy: string;
  items: number;
  oldestAt: number | null;
  /** When the oldest item must be gone; null when nothing waits or the class is not purged by age. */
  dueAt: number | null;
  /** False for classes deleted by another path (on delivery) or kept on purpose. */
  purgedByJob: boolean;
}

/** Everything koppel stores that retention covers, measured without reading any content. */
export async function takeInventory(store: Store, config: KoppelConfig): Promise<RetentionInventory[]> {
  const db = store.db;
  const live = await db
    .selectFrom('queue_messages')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('enqueued_at').as('oldest')])
    .where('state', '=', 0)
    .executeTakeFirstOrThrow();
  const dead = await db
    .selectFrom('queue_messages')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('dead_at').as('oldest')])
    .where('state', '=', 1)
    .executeTakeFirstOrThrow();
  const dedup = await db
    .selectFrom('queue_dedup')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('expires_at').as('due')])
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('security_events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('occurred_at').as('oldest')])
    .executeTakeFirstOrThrow();
  const terminated = await db
    .selectFrom('tenants')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min<number>('terminated_at').as('oldest'),
      eb.fn.min<number>('deletion_due_at').as('due'),
    ])
    .where('status', '=', 'terminated')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deletion_certificates')
            .select('id')
            .whereRef('deletion_certificates.tenant_id', '=', 'tenants.id'),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  const num = (v: unknown) => (v == null ? null : Number(v));
  const deadDays = config.queue.deadLetterRetentionDays;
  const dedupDue = num(dedup.due);
  const logs = listLogFiles(logDir(config));
  const oldestLog = logs[0];
  const audit = await db
    .selectFrom('audit_log')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min<number>('at').as('oldest')])
    .executeTakeFirstOrThrow();
  const incidents = await incidentInventory(store);
  const syncRuns = await syncRunsInventory(store);
  return [
    {
      id: 'queue-payloads',
      policy: `deleted with the message, in the same transaction, when it is delivered; dead-lettered as expired ${config.queue.maxMessageAgeDays} days after enqueue`,
      items: Number(live.n),
      oldestAt: num(live.oldest),
      dueAt: live.oldest == null ? null : Number(live.oldest) + config.queue.maxMessageAgeDays * DAY_MS,
      purgedByJob: true,
    },
    {
      id: 'dead-letters',
      policy: `deleted ${deadDays} days after dead-lettering`,
      items: Number(dead.n),
      oldestAt: num(dead.oldest),
      dueAt: dead.oldest == null ? null : Number(dead.oldest) + deadDays * DAY_MS,
      purgedByJob: true,
    },
    {
      id: 'duplicate-detection',
      policy: `message ids only, deleted ${config.queue.duplicateWindowSeconds} seconds after enqueue`,
      items: Number(dedup.n),
      oldestAt: dedupDue === null ? null : dedupDue - config.queue.duplicateWindowSeconds * 1000,
      dueAt: dedupDue,
      purgedByJob: true,
    },
    {
      id: 'log-files',
      policy: `daily files in ${logDir(config)}, deleted ${config.log.retentionDays} days after their day`,
      items: logs.length,
      oldestAt: oldestLog?.day ?? null,
      dueAt: oldestLog ? logFileDueAt(oldestLog, config.log.retentionDays) : null,
      purgedByJob: true,
    },
    {
      id: 'terminated-tenants',
      policy:
        'keys destroyed at termination; rows deleted when due (at most 30 days after), with a deletion certificate',
      items: Number(terminated.n),
      oldestAt: num(terminated.oldest),
      dueAt: num(terminated.due),
      purgedByJob: true,
    },
    {
      id: 'security-events',
      policy: 'kept for the incident register; they hold ids and reasons, no personal data',
      items: Number(events.n),
      oldestAt: num(events.oldest),
      dueAt: null,
      purgedByJob: false,
    },
    {
      id: 'audit-log',
      policy: `administrative actions, deleted ${config.server.auditRetentionDays} days after they happened (server.auditRetentionDays); the chain stays verifiable`,
      items: Number(audit.n),
      oldestAt: num(audit.oldest),
      dueAt: audit.oldest == null ? null : Number(audit.oldest) + config.server.auditRetentionDays * DAY_MS,
      purgedByJob: true,
    },
    {
      id: 'incidents',
      policy: `the breach register: never deleted while open; closed incidents deleted ${config.incidents.retentionYears} years after closing (incidents.retentionYears), with their history and evidence`,
      items: incidents.items,
      oldestAt: incidents.oldestAt,
      dueAt: incidents.dueAt,
      purgedByJob: true,
    },
    {
      id: 'sync-runs',
      policy: `the sync-run history (one row per tenant round, its rejected records and hourly sums: ids, counts and reasons, no personal data), deleted ${config.runs.retentionDays} days after the round (runs.retentionDays)`,
      items: syncRuns.items,
      oldestAt: syncRuns.oldestAt,
      dueAt: syncRuns.oldestAt === null ? null : syncRuns.oldestAt + config.runs.retentionDays * DAY_MS,
      purgedByJob: true,
    },
  ];
}
