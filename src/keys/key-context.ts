import { AuditLog } from '../audit/audit-log.js';
import type { Clock, Random } from '../clock.js';
import { systemClock, systemRandom } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { type AppLogger, createAppLogger } from '../log/logger.js';
import { migrate } from '../store/migrate.js';
import { openStore, type Store } from '../store/open-store.js';
import { KeyRing } from './key-ring.js';
import { type OpenedMasterKeys, type OpenMasterKeysOptions, openMasterKeys } from './open-master-keys.js';

export interface KeyContext {
  config: KoppelConfig;
  store: Store;
  masters: OpenedMasterKeys;
  keys: KeyRing;
  clock: Clock;
  /** Key rotation is an administrative action: it goes to the audit log like the rest. */
  audit: AuditLog;
}

export interface KeyContextOptions extends OpenMasterKeysOptions {
  clock?: Clock;
  random?: Random;
}

/**
 * The store and the master keys without the rest of koppel: what `koppel keys` needs, for every
 * master key source including Azure Key Vault. Always closes the store.
 */
export async function withKeyContext<T>(
  config: KoppelConfig,
  env: NodeJS.ProcessEnv,
  fn: (context: KeyContext) => Promise<T>,
  options: KeyContextOptions = {},
): Promise<T> {
  const masters = await openMasterKeys(config, env, options);
  const store = openStore(config.store, config.dataDir);
  // Made on first use: the audit head goes to the log files, and only an audited command opens them.
  let logger: AppLogger | undefined;
  try {
    const migration = await migrate(store);
    if (migration.error) throw migration.error;
    const clock = options.clock ?? systemClock;
    const keys = new KeyRing(store.db, masters.keys, clock, options.random ?? systemRandom);
    const audit = new AuditLog(store, clock, () => {
      logger ??= createAppLogger(config, { clock });
      return logger.logger;
    });
    return await fn({ config, store, masters, keys, clock, audit });
  } finally {
    logger?.close();
    await store.close();
  }
}
