import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { mapperFromDefinition } from './definition-mapper.js';
import { defaultSyncDefinition, parseSyncDefinition, type SyncDefinition } from './mapping/index.js';
import type { SyncMapper } from './sync-mapper.js';

/** Each tenant's sync definition (the field mapping), stored as the JSON it was given. */
export class DefinitionStore {
  constructor(
    private readonly store: Store,
    private readonly tenants: TenantStore,
    private readonly clock: Clock,
  ) {}

  /** The tenant's stored definition, or the default mapping when none was set. */
  async get(tenantId: string): Promise<SyncDefinition> {
    const row = await this.store.db
      .selectFrom('sync_definitions')
      .select('definition')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row ? parseSyncDefinition(JSON.parse(row.definition)) : defaultSyncDefinition();
  }

  async mapperFor(tenantId: string): Promise<SyncMapper> {
    return mapperFromDefinition(await this.get(tenantId));
  }

  /** Stores a tenant's definition after validating it; returns the parsed form. */
  async save(tenantId: string, input: unknown): Promise<SyncDefinition> {
    await this.tenants.get(tenantId);
    const def = parseSyncDefinition(input);
    const definition = JSON.stringify(input);
    const updated_at = this.clock.now();
    await this.store.db
      .insertInto('sync_definitions')
      .values({ tenant_id: tenantId, definition, updated_at })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ definition, updated_at }))
      .execute();
    return def;
  }
}
