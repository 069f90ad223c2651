import type { Kysely } from 'kysely';
import type { Store } from '../store/open-store.js';
import type { Database } from '../store/schema.js';

export interface WorkerRow {
  workerId: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
}

export interface LeaseRow {
  tenant: string;
  /** Null once released. */
  owner: string | null;
  token: number;
  expiresAt: number;
  acquiredAt: number;
}

/**
 * The SQL of the cluster's coordination (migration 0016): the worker registry and the tenant leases.
 * Every change is one conditional statement, so two workers racing for a lease cannot both win: the
 * database serialises the UPDATEs of one row and the second finds its WHERE no longer true.
 */
export class LeaseStore {
  constructor(private readonly store: Store) {}

  get db(): Kysely<Database> {
    return this.store.db;
  }

  async heartbeat(worker: WorkerRow): Promise<void> {
    await this.db
      .insertInto('cluster_workers')
      .values({
        worker_id: worker.workerId,
        host: worker.host,
        pid: worker.pid,
        started_at: worker.startedAt,
        heartbeat_at: worker.heartbeatAt,
      })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ heartbeat_at: worker.heartbeatAt }))
      .execute();
  }

  async workers(): Promise<WorkerRow[]> {
    const rows = await this.db.selectFrom('cluster_workers').selectAll().orderBy('worker_id').execute();
    return rows.map((r) => ({
      workerId: r.worker_id,
      host: r.host,
      pid: Number(r.pid),
      startedAt: Number(r.started_at),
      heartbeatAt: Number(r.heartbeat_at),
    }));
  }

  async leaveWorker(workerId: string): Promise<void> {
    await this.db.deleteFrom('cluster_workers').where('worker_id', '=', workerId).execute();
  }

  /** Rows of workers silent since `before` (killed ones): the registry does not grow without end. */
  async forgetWorkersSilentSince(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('cluster_workers')
      .where('heartbeat_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async leases(): Promise<LeaseRow[]> {
    const rows = await this.db.selectFrom('tenant_leases').selectAll().orderBy('tenant').execute();
    return rows.map((r) => ({
      tenant: r.tenant,
      owner: r.owner,
      token: Number(r.token),
      expiresAt: Number(r.expires_at),
      acquiredAt: Number(r.acquired_at),
    }));
  }

  /**
   * Takes the tenant if nobody holds it (never leased, released, or expired) and returns the new
   * fencing token, one more than any before; undefined if another worker holds it.
   */
  async acquire(tenant: string, owner: string, now: number, leaseMs: number): Promise<number | undefined> {
    await this.db
      .insertInto('tenant_leases')
      .values({ tenant, owner: null, token: 0, expires_at: 0, acquired_at: 0 })
      .onConflict((oc) => oc.column('tenant').doNothing())
      .execute();
    const row = await this.db
      .updateTable('tenant_leases')
      .set((eb) => ({
        owner,
        token: eb('token', '+', 1),
        expires_at: now + leaseMs,
        acquired_at: now,
      }))
      .where('tenant', '=', tenant)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', '<=', now)]))
      .returning('token')
      .executeTakeFirst();
    return row ? Number(row.token) : undefined;
  }

  /** Extends our lease; false when it is no longer ours (taken over with a newer token). */
  async renew(tenant: string, owner: string, token: number, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('tenant_leases')
      .set({ expires_at: now + leaseMs })
      .where('tenant', '=', tenant)
      .where('owner', '=', owner)
      .where('token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Releases every lease of `owner` (a worker known to be gone) and forgets its registry row. */
  async releaseAllOf(owner: string): Promise<number> {
    const result = await this.db
      .updateTable('tenant_leases')
      .set({ owner: null, expires_at: 0 })
      .where('owner', '=', owner)
      .executeTakeFirst();
    await this.leaveWorker(owner);
    return Number(result.numUpdatedRows);
  }

  /** Gives the tenant up at once (the token stays: the next owner's is higher). */
  async release(tenant: string, owner: string, token: number): Promise<void> {
    await this.db
      .updateTable('tenant_leases')
      .set({ owner: null, expires_at: 0 })
      .where('tenant', '=', tenant)
      .where('owner', '=', owner)
      .where('token', '=', token)
      .execute();
  }

  /**
   * Whether `owner` still holds `token` for the tenant, read inside the caller's write transaction.
   * On PostgreSQL the row is locked FOR SHARE until that transaction ends: a takeover (an UPDATE of
   * the row) waits for the write to commit, so no write of the old owner can land after it.
   * SQLite has one writer at a time, so the write transaction itself keeps the takeover out.
   */
  async holds(trx: Kysely<Database>, tenant: string, owner: string, token: number): Promise<boolean> {
    let query = trx
      .selectFrom('tenant_leases')
      .select('token')
      .where('tenant', '=', tenant)
      .where('owner', '=', owner)
      .where('token', '=', token);
    if (this.store.dialect === 'postgres') query = query.forShare();
    return (await query.executeTakeFirst()) !== undefined;
  }
}
