import type { KoppelConfig } from '../config/config-schema.js';
import { KoppelError } from '../errors.js';
import {
  type CryptographyClientFactory,
  keyVaultWrapper,
  loadAzureCryptographyFactory,
} from './azure-key-vault.js';
import { emptyDatabaseRefusal, keyFileCreationRefusal } from './key-file-guard.js';
import type { MasterKeys } from './key-wrapper.js';
import { type LoadOptions, loadMasterKey } from './master-key.js';

export interface OpenedMasterKeys {
  keys: MasterKeys;
  /** For people: a file path, $VARIABLE or the Key Vault key id. */
  source: string;
  created: boolean;
  /** The current local key's bytes, for the weak-key check; absent for Key Vault. */
  localKey?: Buffer;
}

export interface OpenMasterKeysOptions extends LoadOptions {
  /** The Key Vault client factory; default the real SDK. Tests pass a fake. */
  keyVault?: CryptographyClientFactory;
}

/** The master keys of any source: a key file, an environment variable, or Azure Key Vault. */
export async function openMasterKeys(
  config: KoppelConfig,
  env: NodeJS.ProcessEnv,
  options: OpenMasterKeysOptions = {},
): Promise<OpenedMasterKeys> {
  const source = config.masterKey;
  if (source.source === 'azure-key-vault') {
    const clientFor = options.keyVault ?? (await loadAzureCryptographyFactory());
    const current = keyVaultWrapper({ keyId: source.keyId, algorithm: source.algorithm, clientFor });
    return { keys: { current, previous: [] }, source: source.keyId, created: false };
  }
  if (source.source === 'file' && options.create !== false) {
    const refusal = emptyDatabaseRefusal(config) ?? (await keyFileCreationRefusal(config));
    if (refusal) throw new KoppelError(refusal);
  }
  const loaded = loadMasterKey(config, env, options);
  return {
    keys: loaded.masterKey,
    source: loaded.source,
    created: loaded.created,
    localKey: loaded.masterKey.key,
  };
}
