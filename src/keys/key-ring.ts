import type { Kysely } from 'kysely';
import type { Clock, Random } from '../clock.js';
import { PermanentError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { open, seal } from './envelope.js';
import type { MasterKey } from './master-key.js';

export interface DataKey {
  tenantId: string;
  version: number;
  key: Buffer;
}

/** The tenant's data key has been destroyed (offboarding): its data can no longer be read or written. */
export class KeyDestroyedError extends PermanentError {
  constructor(tenantId: string) {
    super(`the data key of tenant ${tenantId} has been destroyed`);
  }
}

const wrapContext = (tenantId: string, version: number) => `koppel/tenant-key/${tenantId}/${version}`;

/**
 * Per-tenant AES-256 data keys, wrapped by the master key (envelope encryption). Unwrapped keys are
 * cached in memory only; the database only ever holds wrapped keys.
 */
export class KeyRing {
  readonly #cache = new Map<string, DataKey>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly master: MasterKey,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** The current data key of a tenant, created on first use. */
  async current(tenantId: string): Promise<DataKey> {
    const cached = this.#cache.get(`${tenantId}/current`);
    if (cached) return cached;
    let row = await this.#latestRow(tenantId);
    if (!row) {
      await this.db
        .insertInto('tenant_keys')
        .values({
          tenant_id: tenantId,
          version: 1,
          wrapped_key: seal(this.master.key, this.random.bytes(32), wrapContext(tenantId, 1)),
          master_key_id: this.master.id,
          created_at: this.clock.now(),
          destroyed_at: null,
        })
        // Two processes may create the first key at once; the first insert wins and both use it.
        .onConflict((oc) => oc.columns(['tenant_id', 'version']).doNothing())
        .execute();
      row = await this.#latestRow(tenantId);
    }
    const key = this.#unwrap(row!);
    this.#cache.set(`${tenantId}/current`, key);
    this.#cache.set(`${tenantId}/${key.version}`, key);
    return key;
  }

  /** A specific version, for reading data sealed before a rotation. */
  async version(tenantId: string, version: number): Promise<DataKey> {
    const cached = this.#cache.get(`${tenantId}/${version}`);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('tenant_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw new KeyDestroyedError(tenantId);
    const key = this.#unwrap(row);
    this.#cache.set(`${tenantId}/${version}`, key);
    return key;
  }

  /** Crypto-shredding: the wrapped keys are overwritten, so every ciphertext of the tenant is unreadable. */
  async destroy(tenantId: string): Promise<number> {
    for (const k of [...this.#cache.keys()]) if (k.startsWith(`${tenantId}/`)) this.#cache.delete(k);
    const result = await this.db
      .updateTable('tenant_keys')
      .set({ wrapped_key: null, destroyed_at: this.clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('destroyed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Drops cached keys, e.g. after another process destroyed or rotated them. */
  forget(tenantId?: string): void {
    if (!tenantId) this.#cache.clear();
    else for (const k of [...this.#cache.keys()]) if (k.startsWith(`${tenantId}/`)) this.#cache.delete(k);
  }

  #latestRow(tenantId: string) {
    return this.db
      .selectFrom('tenant_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  #unwrap(row: { tenant_id: string; version: number; wrapped_key: Uint8Array | null }): DataKey {
    if (!row.wrapped_key) throw new KeyDestroyedError(row.tenant_id);
    return {
      tenantId: row.tenant_id,
      version: row.version,
      key: open(this.master.key, row.wrapped_key, wrapContext(row.tenant_id, row.version)),
    };
  }
}
