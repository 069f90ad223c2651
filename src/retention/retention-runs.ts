import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface RetentionRun {
  ranAt: number;
  purged: number;
  /** Why the purge failed, if it did; the class's data were then not deleted this time. */
  error: string | null;
}

export async function recordRun(
  db: Kysely<Database>,
  retentionClass: string,
  run: RetentionRun,
): Promise<void> {
  const values = { ran_at: run.ranAt, purged: run.purged, error: run.error };
  await db
    .insertInto('retention_runs')
    .values({ class: retentionClass, ...values })
    .onConflict((oc) => oc.column('class').doUpdateSet(values))
    .execute();
}

export async function readRuns(db: Kysely<Database>): Promise<Map<string, RetentionRun>> {
  const rows = await db.selectFrom('retention_runs').selectAll().execute();
  return new Map(
    rows.map((r) => [r.class, { ranAt: Number(r.ran_at), purged: Number(r.purged), error: r.error }]),
  );
}
