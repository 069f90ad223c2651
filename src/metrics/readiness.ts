import { sql } from 'kysely';
import type { App } from '../app.js';
import { migrationDrift } from '../store/migrate.js';

export type ReadinessCheck = 'store' | 'migrations' | 'lease';

/**
 * Whether this process holds what it needs to work, e.g. for a worker "a lease held or none needed"
 * (the lease manager knows; without one every process is ready as far as leases go).
 */
export type LeaseReadiness = () => boolean | Promise<boolean>;

export interface Readiness {
  ready: boolean;
  /** The checks that failed; names only (no tenant ids, no counts, no error text). */
  failed: ReadinessCheck[];
}

/** /readyz: the store answers, its migrations are those of this code, and the lease check passes. */
export async function readiness(app: App, lease?: LeaseReadiness): Promise<Readiness> {
  const failed: ReadinessCheck[] = [];
  try {
    await sql`SELECT 1`.execute(app.store.db);
    // A newer koppel migrated the store (or this one did not finish): not this code's schema.
    const drift = await migrationDrift(app.store);
    if (drift.pending.length > 0 || drift.unknown.length > 0) failed.push('migrations');
  } catch {
    failed.push('store');
  }
  try {
    if (lease && !(await lease())) failed.push('lease');
  } catch {
    failed.push('lease');
  }
  return { ready: failed.length === 0, failed };
}
