import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { type Clock, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError, coerceError } from '../errors.js';
import { masterKeyPath, retiredKeyFiles } from '../keys/master-key.js';
import { type OpenMasterKeysOptions, openMasterKeys } from '../keys/open-master-keys.js';
import { listLogFiles, logDir } from '../log/log-files.js';
import { migrationsDir } from '../store/migrate.js';
import { openStore, type Store } from '../store/open-store.js';
import type { DoctorContext, FileFact } from './doctor-check.js';

export interface DoctorOptions {
  clock?: Clock;
  expectRunning?: boolean;
  retentionMaxAgeMs?: number;
  keyVault?: OpenMasterKeysOptions['keyVault'];
}

/** Retention runs every minute; ten minutes without a run means it is not running. */
export const DEFAULT_RETENTION_MAX_AGE_MS = 10 * 60_000;

export function sqlitePath(config: KoppelConfig): string | undefined {
  return config.store.driver === 'sqlite'
    ? resolve(config.dataDir, config.store.path ?? 'koppel.db')
    : undefined;
}

export function keyFilePaths(config: KoppelConfig): string[] {
  if (config.masterKey.source !== 'file') return [];
  const path = masterKeyPath(config);
  const previous = (config.masterKey.previous ?? []).map((p) => resolve(config.dataDir, p));
  return [path, ...previous, ...retiredKeyFiles(path)];
}

function fact(path: string): FileFact {
  if (!existsSync(path)) return { path, exists: false, isDirectory: false, mode: 0 };
  const stat = statSync(path);
  return { path, exists: true, isDirectory: stat.isDirectory(), mode: stat.mode & 0o777 };
}

function gatherFiles(config: KoppelConfig): Map<string, FileFact> {
  const db = sqlitePath(config);
  const logs = logDir(config);
  const paths = [
    resolve(config.dataDir),
    ...keyFilePaths(config),
    ...(db ? [db, `${db}-wal`, `${db}-shm`] : []),
    logs,
    ...listLogFilesSafely(logs),
  ];
  return new Map(paths.map((p) => [p, fact(p)]));
}

function listLogFilesSafely(dir: string): string[] {
  try {
    return listLogFiles(dir).map((f) => f.path);
  } catch {
    return [];
  }
}

async function pendingMigrations(store: Store): Promise<string[]> {
  const files = readdirSync(migrationsDir(store.dialect))
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .map((f) => f.replace(/\.sql$/, ''));
  let applied: string[] = [];
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(store.db);
    applied = rows.rows.map((r) => r.name);
  } catch {
    // No migration table: nothing applied yet.
  }
  return files.filter((f) => !applied.includes(f)).sort();
}

/** Gathers the facts, in an order that changes nothing: file modes first, then keys, then the store. */
export async function openDoctorContext(
  config: KoppelConfig,
  env: NodeJS.ProcessEnv,
  options: DoctorOptions = {},
): Promise<DoctorContext> {
  const files = gatherFiles(config);
  const context: DoctorContext = {
    config,
    env,
    now: (options.clock ?? systemClock).now(),
    files,
    pendingMigrations: [],
    expectRunning: options.expectRunning ?? false,
    retentionMaxAgeMs: options.retentionMaxAgeMs ?? DEFAULT_RETENTION_MAX_AGE_MS,
  };
  try {
    context.masters = await openMasterKeys(config, env, {
      create: false,
      allowLooseModes: true,
      keyVault: options.keyVault,
    });
  } catch (error) {
    context.mastersProblem =
      error instanceof ConfigError ? error.issues.join('; ') : coerceError(error).message;
  }
  const db = sqlitePath(config);
  if (db && !files.get(db)?.exists) {
    context.storeProblem = `there is no database at ${db} yet: koppel has not been started with this configuration`;
    return context;
  }
  const store = openStore(config.store, config.dataDir);
  try {
    await sql`SELECT 1`.execute(store.db);
    context.pendingMigrations = await pendingMigrations(store);
    context.store = store;
  } catch (error) {
    context.storeProblem = `cannot reach the store at ${store.location}: ${coerceError(error).message}`;
    await store.close();
  }
  return context;
}
