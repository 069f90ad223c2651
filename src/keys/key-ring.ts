import type { Kysely } from 'kysely';
import type { Clock, Random } from '../clock.js';
import { PermanentError } from '../errors.js';
import type { SecurityEventSink } from '../queue/security-event-log.js';
import type { Database, TenantKeysTable } from '../store/schema.js';
import {
  findWrapper,
  type MasterKeys,
  missingMasterKey,
  retiredMasterKey,
  toMasterKeys,
} from './key-wrapper.js';
import type { MasterKey } from './master-key.js';
import { recordMasterKey } from './master-key-log.js';

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

/** The associated data of a wrapped key: a wrapped key moved to another row no longer unwraps. */
export const wrapContext = (tenantId: string, version: number) => `koppel/tenant-key/${tenantId}/${version}`;

/**
 * How long a process keeps using the current version it knows before looking again, so a
 * `koppel keys rotate-tenant` run elsewhere takes effect without a restart.
 */
const CURRENT_TTL_MS = 5 * 60_000;
/** A key that keeps failing is recorded once a minute per process, not once per message. */
const FAILURE_RECORD_MS = 60_000;

type KeyRow = Pick<TenantKeysTable, 'tenant_id' | 'version' | 'wrapped_key' | 'master_key_id'>;

/**
 * Per-tenant AES-256 data keys, wrapped by the master key (envelope encryption). Unwrapped keys are
 * cached in memory only; the database only ever holds wrapped keys.
 */
export class KeyRing {
  readonly #cache = new Map<string, DataKey>();
  readonly #currentSeenAt = new Map<string, number>();
  readonly #failureRecordedAt = new Map<string, number>();
  #masters: MasterKeys;

  constructor(
    private readonly db: Kysely<Database>,
    master: MasterKey | MasterKeys,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Where a failure to open or wrap a tenant key is recorded (`keys.access-failed`, ids only). */
    private readonly events?: SecurityEventSink,
  ) {
    this.#masters = toMasterKeys(master);
  }

  /** The master keys in use: the current one wraps, the previous ones only unwrap. */
  get masterKeys(): MasterKeys {
    return this.#masters;
  }

  /** The current data key of a tenant, created on first use. */
  async current(tenantId: string): Promise<DataKey> {
    const cached = this.#cache.get(`${tenantId}/current`);
    const seenAt = this.#currentSeenAt.get(tenantId) ?? 0;
    if (cached && this.clock.now() - seenAt < CURRENT_TTL_MS) return cached;
    let row = await this.#latestRow(tenantId);
    if (!row) {
      await this.#insertVersion(tenantId, 1);
      row = await this.#latestRow(tenantId);
    }
    const key = await this.#unwrap(row!);
    this.#cache.set(`${tenantId}/current`, key);
    this.#cache.set(`${tenantId}/${key.version}`, key);
    this.#currentSeenAt.set(tenantId, this.clock.now());
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
    const key = await this.#unwrap(row);
    this.#cache.set(`${tenantId}/${version}`, key);
    return key;
  }

  /**
   * A new data key version for the tenant; new data are sealed with it, older versions stay for
   * reading what was sealed before. Returns the new version.
   */
  async rotate(tenantId: string): Promise<number> {
    const latest = await this.#latestRow(tenantId);
    if (latest && !latest.wrapped_key) throw new KeyDestroyedError(tenantId);
    const version = (latest?.version ?? 0) + 1;
    await this.#insertVersion(tenantId, version);
    this.forget(tenantId);
    return (await this.current(tenantId)).version;
  }

  /** Crypto-shredding: the wrapped keys are overwritten, so every ciphertext of the tenant is unreadable. */
  async destroy(tenantId: string): Promise<number> {
    this.forget(tenantId);
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
    if (!tenantId) {
      this.#cache.clear();
      this.#currentSeenAt.clear();
      return;
    }
    for (const k of [...this.#cache.keys()]) if (k.startsWith(`${tenantId}/`)) this.#cache.delete(k);
    this.#currentSeenAt.delete(tenantId);
  }

  async #insertVersion(tenantId: string, version: number): Promise<void> {
    const now = this.clock.now();
    const { wrapped, masterKeyId } = await this.#recordingFailure(
      { tenantId, version, what: 'wrap', masterKeyId: this.#masters.current.id },
      async () => (await this.#wrappingKey()).wrap(this.random.bytes(32), wrapContext(tenantId, version)),
    );
    await recordMasterKey(this.db, masterKeyId, now);
    await this.db
      .insertInto('tenant_keys')
      .values({
        tenant_id: tenantId,
        version,
        wrapped_key: wrapped,
        master_key_id: masterKeyId,
        created_at: now,
        destroyed_at: null,
        rewrapped_at: null,
      })
      // Two processes may create the same version at once; the first insert wins and both use it.
      .onConflict((oc) => oc.columns(['tenant_id', 'version']).doNothing())
      .execute();
  }

  /**
   * The master key to wrap a new data key with. When `koppel keys rotate` retired ours while we ran,
   * wrapping with it would undo the rotation, so look for the new key first.
   */
  async #wrappingKey() {
    const retired = async (id: string) =>
      (await this.db.selectFrom('master_keys').select('retired_at').where('id', '=', id).executeTakeFirst())
        ?.retired_at != null;
    if (!(await retired(this.#masters.current.id))) return this.#masters.current;
    if (this.#masters.reload) this.#masters = this.#masters.reload();
    if (await retired(this.#masters.current.id)) {
      throw retiredMasterKey(this.#masters.current.id);
    }
    return this.#masters.current;
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

  async #unwrap(row: KeyRow): Promise<DataKey> {
    // A destroyed key is offboarding doing its work, not a failure to record.
    if (!row.wrapped_key) throw new KeyDestroyedError(row.tenant_id);
    return this.#recordingFailure(
      { tenantId: row.tenant_id, version: row.version, what: 'unwrap', masterKeyId: row.master_key_id },
      () => this.#unwrapWith(row, row.wrapped_key!),
    );
  }

  /**
   * Runs a wrap or unwrap; when it fails (a master key missing, retired or replaced, a wrapped key
   * altered, Key Vault refusing), records `keys.access-failed` before rethrowing, so the signal
   * watcher opens a suspected incident. A failing record never hides the key's own error.
   */
  async #recordingFailure<T>(
    at: { tenantId: string; version: number; what: string; masterKeyId: string },
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const key = `${at.tenantId}/${at.version}/${at.what}`;
      const now = this.clock.now();
      const last = this.#failureRecordedAt.get(key);
      if (this.events && (last === undefined || now - last >= FAILURE_RECORD_MS)) {
        this.#failureRecordedAt.set(key, now);
        await this.events
          .record({
            kind: 'keys.access-failed',
            tenantId: at.tenantId,
            subject: `tenant-key/${at.tenantId}/${at.version}`,
            detail: {
              what: `tenant key ${at.tenantId} v${at.version} (${at.what})`,
              masterKeyId: at.masterKeyId,
              error: (error as Error).name,
            },
          })
          .catch(() => undefined);
      }
      throw error;
    }
  }

  async #unwrapWith(row: KeyRow, wrapped: Uint8Array): Promise<DataKey> {
    let wrapper = findWrapper(this.#masters, row.master_key_id);
    if (!wrapper && this.#masters.reload) {
      // Another process rotated the key file: read the files again before giving up.
      this.#masters = this.#masters.reload();
      wrapper = findWrapper(this.#masters, row.master_key_id);
    }
    if (!wrapper) throw missingMasterKey(row.tenant_id, row.master_key_id);
    const context = wrapContext(row.tenant_id, row.version);
    const key = await wrapper.unwrap(wrapped, context, row.master_key_id);
    return { tenantId: row.tenant_id, version: row.version, key };
  }
}
