import type { AuditLog } from '../audit/audit-log.js';
import { type Clock, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { coerceError } from '../errors.js';
import { purgeDueIncidents } from '../incidents/incident-retention.js';
import { logDir, purgeLogFiles } from '../log/log-files.js';
import type { Queue } from '../queue/queue.js';
import { RunHistory } from '../runs/run-history.js';
import type { Store } from '../store/open-store.js';
import { deleteDueTenants } from '../tenants/offboarding.js';
import { type RetentionClassId, type RetentionInventory, takeInventory } from './retention-inventory.js';
import { type RetentionRun, readRuns, recordRun } from './retention-runs.js';

/** How often `koppel start` runs the job; doctor's "ran on time" check allows a few missed rounds. */
export const RETENTION_INTERVAL_MS = 60_000;

export interface RetentionJobDeps {
  store: Store;
  queue: Queue;
  config: KoppelConfig;
  audit: AuditLog;
  clock?: Clock;
  /** The sync-run history, purged after runs.retentionDays; default one on `store`. */
  runs?: RunHistory;
}

export interface RetentionRoundResult {
  ranAt: number;
  purged: Partial<Record<RetentionClassId, number>>;
  /** Classes whose purge failed this round, with why; the others still ran. */
  errors: Partial<Record<RetentionClassId, string>>;
}

export interface RetentionClassStatus extends RetentionInventory {
  lastRun: RetentionRun | null;
  /** When the next round is expected, if the job has run before and keeps running on schedule. */
  nextRunAt: number | null;
}

type Purge = (now: number) => Promise<Partial<Record<RetentionClassId, number>>>;

/**
 * Runs every purge that deletes data by age, and records per class when it ran, so `koppel retention
 * status` can show it and `koppel doctor` can check it ran on time. One failing purge does not stop
 * the others.
 */
export class RetentionJob {
  readonly #clock: Clock;
  readonly #purges: ReadonlyArray<{ classes: RetentionClassId[]; purge: Purge }>;

  constructor(private readonly deps: RetentionJobDeps) {
    this.#clock = deps.clock ?? systemClock;
    const { queue, config } = deps;
    const runs = deps.runs ?? new RunHistory(deps.store, this.#clock, config.runs.retentionDays);
    this.#purges = [
      {
        classes: ['dead-letters', 'duplicate-detection', 'queue-payloads'],
        purge: async () => {
          const purged = await queue.purgeExpired();
          return {
            'dead-letters': purged.deadLetters,
            'duplicate-detection': purged.dedupEntries,
            'queue-payloads': purged.expired,
          };
        },
      },
      {
        classes: ['terminated-tenants'],
        purge: async () => ({
          'terminated-tenants': (await deleteDueTenants({ store: deps.store, clock: this.#clock, config }))
            .length,
        }),
      },
      {
        classes: ['audit-log'],
        purge: async (now) => ({
          'audit-log': await deps.audit.purge(now - config.server.auditRetentionDays * 86_400_000),
        }),
      },
      {
        classes: ['incidents'],
        purge: async (now) => ({ incidents: await purgeDueIncidents(deps.store, now) }),
      },
      {
        classes: ['sync-runs'],
        purge: async (now) => ({ 'sync-runs': await runs.purge(now) }),
      },
      {
        classes: ['log-files'],
        purge: async (now) => ({ 'log-files': purgeLogFiles(logDir(config), now, config.log.retentionDays) }),
      },
    ];
  }

  async run(): Promise<RetentionRoundResult> {
    const ranAt = this.#clock.now();
    const result: RetentionRoundResult = { ranAt, purged: {}, errors: {} };
    for (const { classes, purge } of this.#purges) {
      try {
        Object.assign(result.purged, await purge(ranAt));
      } catch (thrown) {
        for (const id of classes) result.errors[id] = coerceError(thrown).message;
      }
      for (const id of classes) {
        const error = result.errors[id] ?? null;
        await recordRun(this.deps.store.db, id, { ranAt, purged: result.purged[id] ?? 0, error });
      }
    }
    return result;
  }

  async status(): Promise<RetentionClassStatus[]> {
    const [inventory, runs] = await Promise.all([
      takeInventory(this.deps.store, this.deps.config),
      readRuns(this.deps.store.db),
    ]);
    return inventory.map((item) => {
      const lastRun = runs.get(item.id) ?? null;
      return { ...item, lastRun, nextRunAt: lastRun ? lastRun.ranAt + RETENTION_INTERVAL_MS : null };
    });
  }
}
