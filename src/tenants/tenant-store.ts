import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { hasControlCharacters } from '../controls.js';
import { open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Database, TenantsTable } from '../store/schema.js';
import { type TenantSettings, tenantSettings } from './tenant-settings.js';

export type TenantStatus = TenantsTable['status'];

export interface Tenant {
  id: string;
  name: string;
  status: TenantStatus;
  createdAt: number;
  updatedAt: number;
  terminatedAt: number | null;
  /** When a terminated tenant's rows are (or were) deleted. */
  deletionDueAt: number | null;
}

export class TenantError extends Error {}

const ID_RULE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_NAME = 200;
const settingsContext = (tenantId: string) => `koppel/tenant-settings/${tenantId}`;

/** Tenants (customers) and their connection settings, sealed with each tenant's own data key. */
export class TenantStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: KeyRing,
    private readonly clock: Clock,
  ) {}

  async add(id: string, name: string): Promise<Tenant> {
    if (!ID_RULE.test(id)) {
      throw new TenantError(
        `tenant id "${id.slice(0, 80)}" must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit`,
      );
    }
    if (!name.trim()) throw new TenantError('tenant name must not be empty');
    if (name.trim().length > MAX_NAME)
      throw new TenantError(`tenant name must be at most ${MAX_NAME} characters`);
    if (hasControlCharacters(name)) throw new TenantError('tenant name must not contain control characters');
    if (await this.#row(id)) throw new TenantError(`tenant "${id}" already exists`);
    const now = this.clock.now();
    await this.db
      .insertInto('tenants')
      .values({
        id,
        name: name.trim(),
        status: 'active',
        settings: null,
        settings_key_version: null,
        created_at: now,
        updated_at: now,
        terminated_at: null,
        deletion_due_at: null,
      })
      .execute();
    return this.get(id);
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return rows.map(toTenant);
  }

  async get(id: string): Promise<Tenant> {
    const row = await this.#row(id);
    if (!row) throw new TenantError(`no tenant "${id}" (see \`koppel tenant list\`)`);
    return toTenant(row);
  }

  async settings(id: string): Promise<TenantSettings> {
    const row = await this.#row(id);
    if (!row) throw new TenantError(`no tenant "${id}" (see \`koppel tenant list\`)`);
    if (!row.settings || row.settings_key_version === null) return tenantSettings.parse({});
    const key = await this.keys.version(id, row.settings_key_version);
    return tenantSettings.parse(
      JSON.parse(open(key.key, row.settings, settingsContext(id)).toString('utf8')),
    );
  }

  /** Applies "side.field" = value changes (undefined clears a field), validates, and seals the result. */
  async updateSettings(id: string, changes: Record<string, unknown>): Promise<TenantSettings> {
    const tenant = await this.get(id);
    if (tenant.status === 'terminated') throw new TenantError(`tenant "${id}" is terminated`);
    const current = await this.settings(id);
    const next = structuredClone(current) as Record<string, Record<string, unknown>>;
    for (const [path, value] of Object.entries(changes)) {
      const [side, field] = path.split('.') as [string, string];
      next[side] = { ...next[side], [field]: value };
      if (value === undefined) delete next[side]![field];
    }
    const parsed = tenantSettings.safeParse(next);
    if (!parsed.success) {
      throw new TenantError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const key = await this.keys.current(id);
    const sealed = seal(key.key, Buffer.from(JSON.stringify(parsed.data)), settingsContext(id));
    await this.db
      .updateTable('tenants')
      .set({ settings: sealed, settings_key_version: key.version, updated_at: this.clock.now() })
      .where('id', '=', id)
      .execute();
    return parsed.data;
  }

  async setStatus(id: string, status: TenantStatus): Promise<void> {
    await this.get(id);
    const now = this.clock.now();
    await this.db
      .updateTable('tenants')
      .set({ status, updated_at: now, ...(status === 'terminated' ? { terminated_at: now } : {}) })
      .where('id', '=', id)
      .execute();
  }

  #row(id: string) {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }
}

function toTenant(row: TenantsTable): Tenant {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    terminatedAt: row.terminated_at,
    deletionDueAt: row.deletion_due_at,
  };
}
