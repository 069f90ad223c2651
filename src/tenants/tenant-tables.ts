import { type Kysely, sql } from 'kysely';
import type { StoreDialect } from '../store/open-store.js';
import type { Database } from '../store/schema.js';

/**
 * Tables with a tenant_id that stay after offboarding: security events (ids and reasons, no personal
 * data), the certificates themselves, and the tenant's key rows, whose key material is destroyed;
 * they are the record that stops a new key from ever being made for the terminated tenant.
 */
const KEPT_TABLES = new Set(['security_events', 'deletion_certificates', 'tenant_keys']);

/**
 * Every table that holds a tenant's data, found in the schema itself (any table with a tenant_id
 * column, except the kept ones), so a table added later is deleted and counted without anyone
 * remembering to list it here.
 */
export async function tenantDataTables(db: Kysely<Database>, dialect: StoreDialect): Promise<string[]> {
  const query =
    dialect === 'sqlite'
      ? sql<{ name: string }>`SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p
          WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY m.name`
      : sql<{ name: string }>`SELECT table_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY table_name`;
  const { rows } = await query.execute(db);
  return rows.map((r) => r.name).filter((name) => !KEPT_TABLES.has(name));
}

/** Rows per table of the tenant, plus live (undestroyed) keys and stored settings; all 0 once deleted. */
export async function remainingRows(
  db: Kysely<Database>,
  tables: readonly string[],
  tenantId: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}
      WHERE tenant_id = ${tenantId}`.execute(db);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  const keys = await db
    .selectFrom('tenant_keys')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('wrapped_key', 'is not', null)
    .executeTakeFirstOrThrow();
  counts['tenant_keys (not destroyed)'] = Number(keys.n);
  const settings = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('id', '=', tenantId)
    .where('settings', 'is not', null)
    .executeTakeFirstOrThrow();
  counts['tenants (settings)'] = Number(settings.n);
  return counts;
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
