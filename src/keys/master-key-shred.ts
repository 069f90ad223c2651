import { unlinkSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import { rotateKeyFile } from './key-file-rotation.js';
import { rewrapTenantKeys } from './key-rotation.js';
import { openMasterKeys } from './open-master-keys.js';

export interface MasterKeyShredding {
  /** The master key that now wraps every live tenant key. */
  currentId: string;
  /** Old master keys koppel deleted (key files it held). */
  destroyed: string[];
  /** Old master keys it cannot delete (an environment variable, Key Vault): the operator must. */
  notHeld: string[];
}

/**
 * Re-wraps every live tenant key under a new master key and destroys the old one where koppel holds
 * it (the key file), so copies of the store made before, whose tenant keys only the old key wraps,
 * can no longer be read. With another source the operator puts the new key in place first, and
 * destroys the old one.
 */
export async function rotateAndShredMasterKey(
  store: Store,
  config: KoppelConfig,
  env: NodeJS.ProcessEnv,
  clock: Clock,
): Promise<MasterKeyShredding> {
  const file = config.masterKey.source === 'file' ? rotateKeyFile(config) : undefined;
  const masters = await openMasterKeys(config, env);
  const result = await rewrapTenantKeys(store, masters.keys, clock);
  if (result.remaining > 0) {
    throw new Error(
      `${result.remaining} tenant key(s) were wrapped with the old master key by a process still running with it: restart it, then run koppel keys rotate`,
    );
  }
  const currentId = masters.keys.current.id;
  if (!file) {
    if (result.rewrapped === 0) {
      throw new ConfigError([
        `masterKey: no tenant key needed re-wrapping, so no new master key is in place; with source ${config.masterKey.source} put it in place first (see docs/security.md, "Rotating the master key")`,
      ]);
    }
    return { currentId, destroyed: [], notHeld: result.retired };
  }
  unlinkSync(file.retiredPath);
  await store.db
    .updateTable('master_keys')
    .set({ destroyed_at: clock.now(), retired_at: clock.now() })
    .where('id', '=', file.oldId)
    .execute();
  return { currentId, destroyed: [file.oldId], notHeld: [] };
}
