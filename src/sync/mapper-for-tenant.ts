import type { App } from '../app.js';
import { mapperFromDefinition } from './definition-mapper.js';
import { defaultSyncDefinition, parseSyncDefinition, type SyncDefinition } from './mapping/index.js';
import type { SyncMapper } from './sync-mapper.js';

/** The tenant's stored sync definition, or the default mapping when none was set. */
export async function definitionForTenant(app: App, tenantId: string): Promise<SyncDefinition> {
  const row = await app.store.db
    .selectFrom('sync_definitions')
    .select('definition')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row ? parseSyncDefinition(JSON.parse(row.definition)) : defaultSyncDefinition();
}

export async function mapperForTenant(app: App, tenantId: string): Promise<SyncMapper> {
  return mapperFromDefinition(await definitionForTenant(app, tenantId));
}

/** Stores a tenant's sync definition after validating it; returns the parsed form. */
export async function saveDefinitionForTenant(
  app: App,
  tenantId: string,
  input: unknown,
): Promise<SyncDefinition> {
  await app.tenants.get(tenantId);
  const def = parseSyncDefinition(input);
  const definition = JSON.stringify(input);
  const updated_at = Date.now();
  await app.store.db
    .insertInto('sync_definitions')
    .values({ tenant_id: tenantId, definition, updated_at })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ definition, updated_at }))
    .execute();
  return def;
}
