import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import { classifySyncFailure, type SyncFailureKind } from './sync-failure.js';

export interface TenantSyncHealth {
  tenantId: string;
  lastOkAt: number | null;
  /** When the rounds began to fail; null while they succeed. */
  failingSince: number | null;
  errorKind: SyncFailureKind | null;
  errorClass: string | null;
}

export type RoundOutcome = { ok: true } | { ok: false; error: unknown };

/**
 * The outcome of every tenant's sync rounds, in the store so every process (and the alerts job on
 * any worker) sees it. One upsert per round; the failure's start is kept across failing rounds.
 */
export class SyncHealth {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async record(tenantId: string, outcome: RoundOutcome): Promise<void> {
    const now = this.clock.now();
    const db = this.store.db;
    if (outcome.ok) {
      await db
        .insertInto('sync_health')
        .values({
          tenant_id: tenantId,
          last_ok_at: now,
          failing_since: null,
          error_kind: null,
          error_class: null,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet({
            last_ok_at: now,
            failing_since: null,
            error_kind: null,
            error_class: null,
            updated_at: now,
          }),
        )
        .execute();
      return;
    }
    const failure = classifySyncFailure(outcome.error);
    await db
      .insertInto('sync_health')
      .values({
        tenant_id: tenantId,
        last_ok_at: null,
        failing_since: now,
        error_kind: failure.kind,
        error_class: failure.errorClass,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet((eb) => ({
          // The first failure of a run of failures stays its start.
          failing_since: eb.fn.coalesce('sync_health.failing_since', eb.val(now)),
          error_kind: failure.kind,
          error_class: failure.errorClass,
          updated_at: now,
        })),
      )
      .execute();
  }

  async list(): Promise<TenantSyncHealth[]> {
    const rows = await this.store.db.selectFrom('sync_health').selectAll().orderBy('tenant_id').execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      lastOkAt: r.last_ok_at === null ? null : Number(r.last_ok_at),
      failingSince: r.failing_since === null ? null : Number(r.failing_since),
      errorKind: r.error_kind as SyncFailureKind | null,
      errorClass: r.error_class,
    }));
  }
}
