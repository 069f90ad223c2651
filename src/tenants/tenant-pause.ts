import { TenantError, type TenantStore } from './tenant-store.js';

export interface PauseResult {
  id: string;
  status: 'active' | 'paused';
  /** False when the tenant already had this status. */
  changed: boolean;
}

/**
 * Pauses or resumes a tenant's sync. A paused tenant keeps its data, settings and queue; the sync loop
 * skips its rounds (the engine refuses them) until it is resumed. A terminated tenant is neither.
 */
export async function setTenantPaused(
  tenants: TenantStore,
  id: string,
  paused: boolean,
): Promise<PauseResult> {
  const tenant = await tenants.get(id);
  if (tenant.status === 'terminated')
    throw new TenantError(`tenant "${id}" is terminated; it can be neither paused nor resumed`);
  const status = paused ? 'paused' : 'active';
  if (tenant.status === status) return { id, status, changed: false };
  await tenants.setStatus(id, status);
  return { id, status, changed: true };
}
