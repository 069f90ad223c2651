import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { MasterKeys } from './key-wrapper.js';
import { listMasterKeys, type MasterKeyRecord } from './master-key-log.js';

/** Keys older than this should be rotated: `koppel doctor` warns. */
export const KEY_MAX_AGE_DAYS = 90;
export const DAY_MS = 86_400_000;

export interface TenantKeyStatus {
  tenantId: string;
  /** The version new data are sealed with. */
  currentVersion: number;
  versions: number;
  /** When the current version was made: the age of the key that encrypts new data. */
  createdAt: number;
  /** When the current version was last re-wrapped under a new master key, if ever. */
  rewrappedAt: number | null;
  masterKeyId: string;
  destroyed: boolean;
}

export interface KeyStatus {
  currentMasterKeyId: string;
  /** When the current master key first wrapped a tenant key; null before it wrapped any. */
  currentMasterKeySince: number | null;
  masterKeys: MasterKeyRecord[];
  /** Live tenant key versions per master key id: any not under the current key need `keys rotate`. */
  wrappedBy: Record<string, number>;
  tenants: TenantKeyStatus[];
}

export async function readKeyStatus(db: Kysely<Database>, masters: MasterKeys): Promise<KeyStatus> {
  const rows = await db
    .selectFrom('tenant_keys')
    .select(['tenant_id', 'version', 'created_at', 'rewrapped_at', 'master_key_id', 'wrapped_key'])
    .orderBy('tenant_id')
    .orderBy('version')
    .execute();
  const tenants = new Map<string, TenantKeyStatus>();
  const wrappedBy: Record<string, number> = {};
  for (const row of rows) {
    const live = row.wrapped_key !== null;
    if (live) wrappedBy[row.master_key_id] = (wrappedBy[row.master_key_id] ?? 0) + 1;
    const versions = (tenants.get(row.tenant_id)?.versions ?? 0) + 1;
    // Rows come in version order, so the last one seen is the current version.
    tenants.set(row.tenant_id, {
      tenantId: row.tenant_id,
      currentVersion: row.version,
      versions,
      createdAt: Number(row.created_at),
      rewrappedAt: row.rewrapped_at == null ? null : Number(row.rewrapped_at),
      masterKeyId: row.master_key_id,
      destroyed: !live,
    });
  }
  const masterKeys = await listMasterKeys(db);
  const current = masters.current;
  const inUse = masterKeys.filter((m) => current.handles(m.id) && m.retiredAt === null);
  const since = inUse.length > 0 ? Math.min(...inUse.map((m) => m.firstUsedAt)) : null;
  return {
    currentMasterKeyId: current.id,
    currentMasterKeySince: since,
    masterKeys,
    wrappedBy,
    tenants: [...tenants.values()],
  };
}

/**
 * Live tenant key versions not wrapped by the current master key. (For Key Vault, older versions of
 * the same vault key count as current: which version is newest is only known to the vault.)
 */
export function wrappedByOldKeys(status: KeyStatus, masters: MasterKeys): number {
  return Object.entries(status.wrappedBy)
    .filter(([id]) => !masters.current.handles(id))
    .reduce((n, [, count]) => n + count, 0);
}
