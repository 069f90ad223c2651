import type { Logger } from '../log/logger.js';
import { missingDataverse, missingMailplus } from '../tenants/tenant-settings.js';
import type { TenantStore } from '../tenants/tenant-store.js';
import { type SyncEngine, TenantPausedError } from './sync-engine.js';

/**
 * Tenants that are active or paused and have both sides configured; the others are named in the log.
 * Paused ones are listed so that a resume takes effect without a restart: their rounds skip them.
 */
export async function syncableTenants(tenants: TenantStore, log: Logger): Promise<string[]> {
  const ready: string[] = [];
  for (const tenant of await tenants.list()) {
    if (tenant.status === 'terminated') continue;
    const settings = await tenants.settings(tenant.id);
    const missing = [...missingDataverse(settings.dataverse), ...missingMailplus(settings.mailplus)];
    if (missing.length === 0) ready.push(tenant.id);
    else
      log.warn(
        { event: 'sync.tenant-incomplete', tenant: tenant.id, missing },
        'tenant not synced: settings missing',
      );
  }
  return ready;
}

/**
 * One round for every tenant. A failing tenant is logged (ids and error class only) and retried next
 * round; it never stops the others.
 */
export async function syncAllOnce(
  engine: SyncEngine,
  tenants: readonly string[],
  log: Logger,
): Promise<{ failed: number }> {
  let failed = 0;
  for (const tenantId of tenants) {
    try {
      const result = await engine.round(tenantId);
      log.info({ event: 'sync.round', tenant: tenantId, ...result }, 'sync round done');
    } catch (error) {
      if (error instanceof TenantPausedError) {
        log.debug({ event: 'sync.tenant-paused', tenant: tenantId }, 'tenant paused; round skipped');
        continue;
      }
      failed++;
      const e = error as Error;
      log.error(
        { event: 'sync.round-failed', tenant: tenantId, error: e.name, reason: e.message },
        'sync round failed',
      );
    }
  }
  return { failed };
}
