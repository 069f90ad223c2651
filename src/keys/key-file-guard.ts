import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KoppelConfig } from '../config/config-schema.js';
import { openStore } from '../store/open-store.js';
import { masterKeyPath } from './master-key.js';

/**
 * Why a new master key file must not be made, or undefined when making one is safe. A key is made only
 * for an empty store: tenant keys wrapped by a lost key can never be unwrapped, and a new key in its
 * place would hide that loss until the first tenant fails to open.
 */
export async function keyFileCreationRefusal(config: KoppelConfig): Promise<string | undefined> {
  const path = masterKeyPath(config);
  if (existsSync(path)) return undefined;
  const wrapped = await countWrappedKeys(config);
  if (wrapped === 0) return undefined;
  return `master key file missing: ${path} does not exist, but the store holds ${wrapped} tenant key(s) wrapped by a master key. Restore the key file from your backup (mode 0600), or point masterKey.path (or $KOPPEL_MASTER_KEY) at it; koppel does not make a new key, which could never open the stored data`;
}

/**
 * An empty SQLite file beside an existing key file is a store that was lost (truncated, or replaced by
 * a failed copy), not a new one: starting on it would make a fresh store under the old key and bury
 * the loss.
 */
export function emptyDatabaseRefusal(config: KoppelConfig): string | undefined {
  if (config.store.driver !== 'sqlite' || config.masterKey.source !== 'file') return undefined;
  const db = resolve(config.dataDir, config.store.path ?? 'koppel.db');
  const key = masterKeyPath(config);
  if (!existsSync(db) || statSync(db).size > 0 || !existsSync(key)) return undefined;
  return `the database file ${db} is empty (0 bytes), but the master key file ${key} belongs to an earlier store. Restore the database from your backup; to start a new, empty store on purpose, move both files away first`;
}

async function countWrappedKeys(config: KoppelConfig): Promise<number> {
  if (config.store.driver === 'sqlite') {
    const db = resolve(config.dataDir, config.store.path ?? 'koppel.db');
    // Opening would create the file; a missing or empty file holds no keys.
    if (!existsSync(db) || statSync(db).size === 0) return 0;
  }
  const store = openStore(config.store, config.dataDir);
  try {
    const row = await store.db
      .selectFrom('tenant_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('wrapped_key', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } catch (error) {
    // A store that was never migrated has no tenant_keys table (SQLite and PostgreSQL wording).
    if (/no such table|does not exist/.test(String((error as Error).message))) return 0;
    throw error;
  } finally {
    await store.close();
  }
}
