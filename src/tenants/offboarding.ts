import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Store } from '../store/open-store.js';
import type { TenantStore } from './tenant-store.js';

const DAY_MS = 86_400_000;
/** The processing agreement: a terminated customer's data are deleted within one month. */
export const MAX_DELETE_AFTER_DAYS = 30;

/**
 * Every table that holds rows of a tenant, in deletion order. Kept: security events (ids and reasons,
 * no personal data) and the tenant's key rows, whose key material is already destroyed; they are the
 * record that stops a new key from ever being made for the terminated tenant.
 */
const TENANT_TABLES = [
  'queue_messages',
  'queue_dedup',
  'sync_contacts',
  'sync_identities',
  'sync_mailplus_index',
  'sync_checkpoints',
  'sync_definitions',
] as const;

export interface DeletionCertificate {
  kind: 'koppel-deletion-certificate';
  version: 1;
  tenant: { id: string; name: string };
  terminatedAt: string;
  keysDestroyedAt: string;
  deletedAt: string;
  /** Rows deleted per table. */
  deletedRows: Record<string, number>;
  /** The store was compacted, so freed pages hold no old data. */
  compacted: string;
  store: string;
}

export interface IssuedCertificate {
  certificate: DeletionCertificate;
  /** SHA-256 of the certificate's canonical JSON: the customer can check it was not altered. */
  sha256: string;
}

export interface OffboardingDeps {
  store: Store;
  keys: KeyRing;
  tenants: TenantStore;
  clock: Clock;
}

/**
 * Terminates a tenant: its sync stops (status), its data key is destroyed at once so nothing of it can
 * be read any more (crypto-shredding), and its rows are deleted now or after `deleteAfterDays` (at most
 * 30) by the retention job. Returns the certificate when the rows were deleted now.
 */
export async function terminateTenant(
  deps: OffboardingDeps,
  tenantId: string,
  deleteAfterDays = 0,
): Promise<{ deletionDueAt: number; issued?: IssuedCertificate }> {
  if (!Number.isInteger(deleteAfterDays) || deleteAfterDays < 0 || deleteAfterDays > MAX_DELETE_AFTER_DAYS) {
    throw new RangeError(
      `deleteAfterDays must be a whole number from 0 to ${MAX_DELETE_AFTER_DAYS}: the agreement promises deletion within one month`,
    );
  }
  const tenant = await deps.tenants.get(tenantId);
  if (tenant.status === 'terminated') throw new Error(`tenant ${tenantId} was already terminated`);
  const now = deps.clock.now();
  const deletionDueAt = now + deleteAfterDays * DAY_MS;
  await deps.tenants.setStatus(tenantId, 'terminated');
  await deps.store.db
    .updateTable('tenants')
    .set({ deletion_due_at: deletionDueAt })
    .where('id', '=', tenantId)
    .execute();
  await deps.keys.destroy(tenantId);
  if (deleteAfterDays > 0) return { deletionDueAt };
  return { deletionDueAt, issued: await deleteTenantData(deps, tenantId) };
}

/** Deletes every row of a terminated tenant, compacts the store and issues the certificate. */
export async function deleteTenantData(
  deps: Pick<OffboardingDeps, 'store' | 'clock'>,
  tenantId: string,
): Promise<IssuedCertificate> {
  const { store, clock } = deps;
  const tenant = await store.db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (tenant.status !== 'terminated') throw new Error(`tenant ${tenantId} is not terminated`);
  const keyRow = await store.db
    .selectFrom('tenant_keys')
    .select((eb) => eb.fn.max('destroyed_at').as('destroyed'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const deletedRows = await store.writeTransaction(async (trx) => {
    const counts: Record<string, number> = {};
    for (const table of TENANT_TABLES) {
      const result = await trx.deleteFrom(table).where('tenant_id', '=', tenantId).executeTakeFirst();
      counts[table] = Number(result.numDeletedRows);
    }
    await trx
      .updateTable('tenants')
      .set({ settings: null, settings_key_version: null })
      .where('id', '=', tenantId)
      .execute();
    return counts;
  });
  const compacted = await compact(store);
  const iso = (ms: number | null | undefined) => (ms ? new Date(Number(ms)).toISOString() : 'unknown');
  const certificate: DeletionCertificate = {
    kind: 'koppel-deletion-certificate',
    version: 1,
    tenant: { id: tenant.id, name: tenant.name },
    terminatedAt: iso(tenant.terminated_at),
    keysDestroyedAt: iso(keyRow?.destroyed as number | null),
    deletedAt: new Date(clock.now()).toISOString(),
    deletedRows,
    compacted,
    store: store.dialect,
  };
  const text = JSON.stringify(certificate);
  const sha256 = createHash('sha256').update(text).digest('hex');
  await store.db
    .insertInto('deletion_certificates')
    .values({ tenant_id: tenantId, issued_at: clock.now(), certificate: text, sha256 })
    .execute();
  return { certificate, sha256 };
}

/** Terminated tenants whose deletion is due and not yet done; run by the retention job. */
export async function deleteDueTenants(
  deps: Pick<OffboardingDeps, 'store' | 'clock'>,
): Promise<IssuedCertificate[]> {
  const due = await deps.store.db
    .selectFrom('tenants')
    .select('id')
    .where('status', '=', 'terminated')
    .where('deletion_due_at', '<=', deps.clock.now())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deletion_certificates')
            .select('id')
            .whereRef('deletion_certificates.tenant_id', '=', 'tenants.id'),
        ),
      ),
    )
    .execute();
  const issued: IssuedCertificate[] = [];
  for (const { id } of due) issued.push(await deleteTenantData(deps, id));
  return issued;
}

/**
 * Rewrites the store so freed pages keep no old data (secure_delete already zeroes deleted rows in
 * SQLite; VACUUM also drops the free pages and the WAL). On PostgreSQL, VACUUM FULL rewrites the tables.
 */
async function compact(store: Store): Promise<string> {
  if (store.dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    await sql`VACUUM`.execute(store.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    return 'VACUUM and WAL checkpoint (TRUNCATE)';
  }
  const tables = TENANT_TABLES.join(', ');
  await sql.raw(`VACUUM FULL ${tables}, tenants`).execute(store.db);
  return `VACUUM FULL ${tables}, tenants`;
}

/** Markdown for the customer: the certificate, and how to check its hash. */
export function certificateMarkdown({ certificate: c, sha256 }: IssuedCertificate): string {
  const rows = Object.entries(c.deletedRows).map(([table, n]) => `| ${table} | ${n} |`);
  return [
    `# Deletion certificate: ${c.tenant.name} (${c.tenant.id})`,
    '',
    `- Contract terminated: ${c.terminatedAt}`,
    `- Encryption keys destroyed (data unreadable from then on): ${c.keysDestroyedAt}`,
    `- Data deleted: ${c.deletedAt}`,
    `- Store compacted: ${c.compacted} (${c.store})`,
    '',
    '| table | rows deleted |',
    '|---|---|',
    ...rows,
    '',
    `SHA-256 of the certificate's JSON: \`${sha256}\``,
    '',
  ].join('\n');
}
