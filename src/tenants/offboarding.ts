import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { MasterKeyShredding } from '../keys/master-key-shred.js';
import type { Store } from '../store/open-store.js';
import type { Database } from '../store/schema.js';
import { backupExposure } from './backup-exposure.js';
import { type DeletionCertificate, type IssuedCertificate, issue } from './deletion-certificate.js';
import { TenantError, type TenantStore } from './tenant-store.js';
import { remainingRows, tenantDataTables, total } from './tenant-tables.js';

export {
  certificateMarkdown,
  type DeletionCertificate,
  type IssuedCertificate,
} from './deletion-certificate.js';

const DAY_MS = 86_400_000;
/** The processing agreement: a terminated customer's data are deleted within one month. */
export const MAX_DELETE_AFTER_DAYS = 30;

export interface OffboardingDeps {
  store: Store;
  keys: KeyRing;
  tenants: TenantStore;
  clock: Clock;
  /** For the certificate's statement on backups. */
  config: Pick<KoppelConfig, 'backups'>;
}

export interface TerminateOptions {
  /**
   * Runs after the tenant's keys are destroyed and before the certificate: a new master key for
   * every other tenant, the old one destroyed, so copies of the store made before cannot be read.
   */
  rotateMasterKey?: () => Promise<MasterKeyShredding>;
}

export interface TerminateResult {
  deletionDueAt: number;
  issued?: IssuedCertificate;
  /** True when an earlier, interrupted terminate was finished. */
  resumed: boolean;
  masterKey?: MasterKeyShredding;
}

/**
 * Terminates a tenant: its sync stops and its rows can no longer be written (status, in the same
 * statement as the deletion date), its data key is destroyed at once so nothing of it can be read
 * any more (crypto-shredding), and its rows are deleted now or after `deleteAfterDays` (at most 30)
 * by the retention job. Every step can be repeated: a terminate that was interrupted is finished by
 * running it again. Returns the certificate when the rows were deleted now.
 */
export async function terminateTenant(
  deps: OffboardingDeps,
  tenantId: string,
  deleteAfterDays = 0,
  options: TerminateOptions = {},
): Promise<TerminateResult> {
  if (!Number.isInteger(deleteAfterDays) || deleteAfterDays < 0 || deleteAfterDays > MAX_DELETE_AFTER_DAYS) {
    throw new RangeError(
      `deleteAfterDays must be a whole number from 0 to ${MAX_DELETE_AFTER_DAYS}: the agreement promises deletion within one month`,
    );
  }
  const tenant = await deps.tenants.get(tenantId);
  const resumed = tenant.status === 'terminated';
  if (resumed && (await isFullyDeleted(deps.store, tenantId))) {
    throw new TenantError(`tenant ${tenantId} was already terminated and its data deleted`);
  }
  const now = deps.clock.now();
  const deletionDueAt = await markTerminated(deps.store.db, tenantId, now, now + deleteAfterDays * DAY_MS);
  await deps.keys.destroy(tenantId);
  const masterKey = await options.rotateMasterKey?.();
  if (deletionDueAt > now) return { deletionDueAt, resumed, masterKey };
  return { deletionDueAt, resumed, masterKey, issued: await deleteTenantData(deps, tenantId) };
}

/**
 * Step one, one statement: status, termination time and deletion date together, so no crash leaves a
 * terminated tenant without a deletion date. A repeat keeps the first termination time and the
 * earlier deletion date.
 */
async function markTerminated(
  db: Kysely<Database>,
  tenantId: string,
  now: number,
  dueAt: number,
): Promise<number> {
  const row = await db
    .updateTable('tenants')
    .set((eb) => ({
      status: 'terminated',
      updated_at: now,
      terminated_at: eb.fn.coalesce('terminated_at', eb.val(now)),
      deletion_due_at: sql<number>`CASE WHEN deletion_due_at IS NULL OR deletion_due_at > ${dueAt}
        THEN ${dueAt} ELSE deletion_due_at END`,
    }))
    .where('id', '=', tenantId)
    .returning('deletion_due_at')
    .executeTakeFirstOrThrow();
  return Number(row.deletion_due_at);
}

/**
 * Deletes every row of a terminated tenant (destroying any key still alive), counts in the same
 * transaction that nothing of it is left in any table that holds tenant data, compacts the store and
 * issues the certificate. Throws, issuing nothing, if anything remains.
 */
export async function deleteTenantData(
  deps: Pick<OffboardingDeps, 'store' | 'clock' | 'config'>,
  tenantId: string,
): Promise<IssuedCertificate> {
  const { store, clock } = deps;
  const tenant = await store.db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (tenant.status !== 'terminated') throw new TenantError(`tenant ${tenantId} is not terminated`);
  const { deletedRows, remaining } = await store.writeTransaction(async (trx) => {
    const tables = await tenantDataTables(trx, store.dialect);
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const result = await sql`DELETE FROM ${sql.table(table)} WHERE tenant_id = ${tenantId}`.execute(trx);
      counts[table] = Number(result.numAffectedRows ?? 0);
    }
    await trx
      .updateTable('tenant_keys')
      .set({ wrapped_key: null, destroyed_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('destroyed_at', 'is', null)
      .execute();
    await trx
      .updateTable('tenants')
      .set({ settings: null, settings_key_version: null })
      .where('id', '=', tenantId)
      .execute();
    return { deletedRows: counts, remaining: await remainingRows(trx, tables, tenantId) };
  });
  if (total(remaining) > 0) {
    const left = Object.entries(remaining).filter(([, n]) => n > 0);
    throw new Error(
      `tenant ${tenantId}: rows remain after deletion (${left.map(([t, n]) => `${t}: ${n}`).join(', ')}); no certificate issued, the retention job tries again`,
    );
  }
  const compacted = await compact(store, Object.keys(deletedRows));
  const keyRow = await store.db
    .selectFrom('tenant_keys')
    .select((eb) => eb.fn.max('destroyed_at').as('destroyed'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const previous = await latestCertificate(store.db, tenantId);
  const iso = (ms: number | null | undefined) => (ms ? new Date(Number(ms)).toISOString() : 'unknown');
  const certificate: DeletionCertificate = {
    kind: 'koppel-deletion-certificate',
    version: 2,
    tenant: { id: tenant.id, name: tenant.name },
    terminatedAt: iso(tenant.terminated_at),
    keysDestroyedAt: iso(keyRow?.destroyed as number | null),
    deletedAt: new Date(clock.now()).toISOString(),
    deletedRows,
    remainingRows: remaining,
    compacted,
    store: store.dialect,
    backups: await backupExposure(store.db, deps.config.backups, tenantId, Number(tenant.terminated_at)),
    ...(previous ? { supersedes: previous.sha256 } : {}),
  };
  const issued = issue(certificate);
  await store.db
    .insertInto('deletion_certificates')
    .values({
      tenant_id: tenantId,
      issued_at: clock.now(),
      certificate: JSON.stringify(certificate),
      sha256: issued.sha256,
    })
    .execute();
  return issued;
}

/**
 * Retention: every terminated tenant whose deletion is due (a tenant terminated without a date, by
 * an interrupted terminate of an earlier version, is due at once) and that has no certificate yet
 * or still has rows or a live key, certificate or not. Rows found after a certificate get a new
 * certificate that says which one it replaces.
 */
export async function deleteDueTenants(
  deps: Pick<OffboardingDeps, 'store' | 'clock' | 'config'>,
): Promise<IssuedCertificate[]> {
  const due = await deps.store.db
    .selectFrom('tenants')
    .select('id')
    .where('status', '=', 'terminated')
    .where((eb) => eb(eb.fn.coalesce('deletion_due_at', 'terminated_at', eb.val(0)), '<=', deps.clock.now()))
    .orderBy('id')
    .execute();
  const issued: IssuedCertificate[] = [];
  for (const { id } of due) {
    if (!(await isFullyDeleted(deps.store, id))) issued.push(await deleteTenantData(deps, id));
  }
  return issued;
}

/** A certificate exists and nothing of the tenant is left. */
async function isFullyDeleted(store: Store, tenantId: string): Promise<boolean> {
  if (!(await latestCertificate(store.db, tenantId))) return false;
  const tables = await tenantDataTables(store.db, store.dialect);
  return total(await remainingRows(store.db, tables, tenantId)) === 0;
}

function latestCertificate(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('deletion_certificates')
    .select(['sha256', 'issued_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Rewrites the store so freed pages keep no old data (secure_delete already zeroes deleted rows in
 * SQLite; VACUUM also drops the free pages and the WAL). On PostgreSQL, VACUUM FULL rewrites the tables.
 */
async function compact(store: Store, tables: readonly string[]): Promise<string> {
  if (store.dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    await sql`VACUUM`.execute(store.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    return 'VACUUM and WAL checkpoint (TRUNCATE)';
  }
  const list = [...tables, 'tenants'].join(', ');
  await sql.raw(`VACUUM FULL ${list}`).execute(store.db);
  return `VACUUM FULL ${list}`;
}
