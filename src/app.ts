import { type Clock, type Random, systemClock, systemRandom } from './clock.js';
import type { KoppelConfig } from './config/config-schema.js';
import type { CryptographyClientFactory } from './keys/azure-key-vault.js';
import { KeyRing } from './keys/key-ring.js';
import { openMasterKeys } from './keys/open-master-keys.js';
import { createPostgresQueue } from './queue/postgres/postgres-queue.js';
import type { Queue } from './queue/queue.js';
import type { SecurityEvent } from './queue/security-event-log.js';
import { createSqliteQueue } from './queue/sqlite/sqlite-queue.js';
import { migrate } from './store/migrate.js';
import { openStore, type Store } from './store/open-store.js';
import { TenantStore } from './tenants/tenant-store.js';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  random?: Random;
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** Azure Key Vault client factory; default the real SDK (tests pass a fake). */
  keyVault?: CryptographyClientFactory;
}

export interface App {
  config: KoppelConfig;
  store: Store;
  keys: KeyRing;
  queue: Queue;
  tenants: TenantStore;
  /** Which master key is in use: its id, where it comes from (file, $VARIABLE, Key Vault key id). */
  masterKey: { id: string; source: string; created: boolean };
  /** Migrations applied by this start (empty when the store was up to date). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

/** The composition root: the CLI, the server and the tests all build koppel here, from one configuration. */
export async function createApp(config: KoppelConfig, options: AppOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const masters = await openMasterKeys(config, options.env ?? process.env, { keyVault: options.keyVault });
  const store = openStore(config.store, config.dataDir);
  try {
    const migration = await migrate(store);
    if (migration.error) throw migration.error;
    const keys = new KeyRing(store.db, masters.keys, clock, random);
    const deps = {
      store,
      keys,
      clock,
      random,
      config: config.queue,
      onSecurityEvent: options.onSecurityEvent,
    };
    const queue = store.dialect === 'sqlite' ? createSqliteQueue(deps) : createPostgresQueue(deps);
    return {
      config,
      store,
      keys,
      queue,
      tenants: new TenantStore(store.db, keys, clock),
      masterKey: { id: masters.keys.current.id, source: masters.source, created: masters.created },
      migrationsApplied: migration.applied,
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
