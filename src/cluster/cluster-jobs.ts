import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';

export interface JobRow {
  job: string;
  owner: string | null;
  lastRunAt: number;
}

/**
 * Jobs that must run once per interval across the whole cluster (retention, the incident due jobs).
 * A worker runs a job only after moving its last_run_at forward itself, in one conditional UPDATE:
 * of workers asking at the same moment exactly one sees a row changed. Chosen over
 * pg_try_advisory_xact_lock because a lock only keeps two runs from overlapping, not a second worker
 * from running the job again right after the first; and the row works the same on SQLite, with the
 * injected clock, and shows in `koppel status` when each job last ran and where.
 */
export class ClusterJobs {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly owner: string,
  ) {}

  /** True when this worker is the one to run `job` now: it last ran at least `intervalMs` ago. */
  async claim(job: string, intervalMs: number): Promise<boolean> {
    const now = this.clock.now();
    await this.store.db
      .insertInto('cluster_jobs')
      .values({ job, owner: null, last_run_at: 0 })
      .onConflict((oc) => oc.column('job').doNothing())
      .execute();
    const result = await this.store.db
      .updateTable('cluster_jobs')
      .set({ owner: this.owner, last_run_at: now })
      .where('job', '=', job)
      .where('last_run_at', '<=', now - intervalMs)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(): Promise<JobRow[]> {
    const rows = await this.store.db.selectFrom('cluster_jobs').selectAll().orderBy('job').execute();
    return rows.map((r) => ({ job: r.job, owner: r.owner, lastRunAt: Number(r.last_run_at) }));
  }
}
