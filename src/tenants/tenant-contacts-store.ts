import type { Clock } from '../clock.js';
import { open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Store } from '../store/open-store.js';
import { parseTenantContacts, type TenantContacts, tenantContactsSchema } from './tenant-contacts.js';
import { TenantError, type TenantStore } from './tenant-store.js';

const contactsContext = (tenantId: string) => `koppel/tenant-contacts/${tenantId}`;

/**
 * A tenant's breach-notice contacts, one sealed JSON document per tenant (table tenant_contacts,
 * which has a tenant_id: offboarding deletes it, and the destroyed tenant key already made it unreadable).
 */
export class TenantContactsStore {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyRing,
    private readonly tenants: TenantStore,
    private readonly clock: Clock,
    /** processor.notificationHours: a tenant may be promised less, never more. */
    private readonly maxHours: number,
  ) {}

  /** The contacts, or null when none were set (or the tenant is terminated: they are gone with its key). */
  async get(tenantId: string): Promise<TenantContacts | null> {
    const tenant = await this.tenants.get(tenantId);
    if (tenant.status === 'terminated') return null;
    const row = await this.store.db
      .selectFrom('tenant_contacts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (!row) return null;
    const key = await this.keys.version(tenantId, Number(row.key_version));
    const json: unknown = JSON.parse(open(key.key, row.contacts, contactsContext(tenantId)).toString('utf8'));
    return tenantContactsSchema.parse(json);
  }

  /** Validates (a ConfigError names every bad field), seals and stores; replaces what was there. */
  async set(tenantId: string, input: unknown): Promise<TenantContacts> {
    const tenant = await this.tenants.get(tenantId);
    if (tenant.status === 'terminated') throw new TenantError(`tenant "${tenantId}" is terminated`);
    const contacts = parseTenantContacts(input, this.maxHours);
    const key = await this.keys.current(tenantId);
    const sealed = seal(key.key, Buffer.from(JSON.stringify(contacts)), contactsContext(tenantId));
    const now = this.clock.now();
    await this.store.db
      .insertInto('tenant_contacts')
      .values({ tenant_id: tenantId, contacts: sealed, key_version: key.version, updated_at: now })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ contacts: sealed, key_version: key.version, updated_at: now }),
      )
      .execute();
    return contacts;
  }
}
