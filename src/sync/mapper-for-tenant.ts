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
