import { ConfigError } from '../errors.js';
import type { KeyWrapper } from './key-wrapper.js';

/**
 * The subset of @azure/keyvault-keys' CryptographyClient that koppel uses (Kysely-style: describe a
 * third-party client by the shape we need). The real client satisfies it as is.
 */
export interface CryptographyClientLike {
  wrapKey(algorithm: KeyVaultWrapAlgorithm, key: Uint8Array): Promise<{ result: Uint8Array; keyID?: string }>;
  unwrapKey(
    algorithm: KeyVaultWrapAlgorithm,
    encryptedKey: Uint8Array,
  ): Promise<{ result: Uint8Array; keyID?: string }>;
}

export type KeyVaultWrapAlgorithm = 'RSA-OAEP-256' | 'A256KW';

/** Makes a client for one key id, versioned or not: `new CryptographyClient(keyId, credential)`. */
export type CryptographyClientFactory = (keyId: string) => CryptographyClientLike;

export interface KeyVaultWrapperOptions {
  /** https://<vault>.vault.azure.net/keys/<name>[/<version>] */
  keyId: string;
  algorithm: KeyVaultWrapAlgorithm;
  clientFor: CryptographyClientFactory;
}

/** https://v.vault.azure.net/keys/name/version -> https://v.vault.azure.net/keys/name */
export function keyVaultKeyBase(keyId: string): string {
  const url = new URL(keyId);
  const [, keys, name] = url.pathname.split('/');
  return `${url.origin}/${keys}/${name}`;
}

/**
 * Tenant data keys wrapped by a Key Vault key: the key never leaves the vault. Each wrapped key
 * records the versioned key id that wrapped it, so it is unwrapped by that same version after the
 * key was rotated in the vault; `koppel keys rotate` then re-wraps everything with the newest version.
 * Key Vault's wrap has no associated data, so unlike a local key the wrapped key is not bound to its
 * row; the payloads sealed with it still are.
 */
export function keyVaultWrapper(options: KeyVaultWrapperOptions): KeyWrapper {
  const base = keyVaultKeyBase(options.keyId);
  const clients = new Map<string, CryptographyClientLike>();
  const clientFor = (keyId: string) => {
    const client = clients.get(keyId) ?? options.clientFor(keyId);
    clients.set(keyId, client);
    return client;
  };
  return {
    id: options.keyId.replace(/\/$/, ''),
    kind: 'azure-key-vault',
    handles: (masterKeyId) => masterKeyId === base || masterKeyId.startsWith(`${base}/`),
    async wrap(dataKey) {
      const { result, keyID } = await clientFor(options.keyId).wrapKey(options.algorithm, dataKey);
      return { wrapped: Buffer.from(result), masterKeyId: keyID ?? options.keyId };
    },
    async unwrap(wrapped, _context, masterKeyId) {
      const { result } = await clientFor(masterKeyId).unwrapKey(options.algorithm, wrapped);
      return Buffer.from(result);
    },
  };
}

const SDK = '@azure/keyvault-keys';
const IDENTITY = '@azure/identity';

/**
 * The real client factory: CryptographyClient with DefaultAzureCredential (managed identity,
 * workload identity, environment, or az login). Imported at run time so koppel builds and runs
 * without the Azure SDK unless this mode is configured.
 */
export async function loadAzureCryptographyFactory(): Promise<CryptographyClientFactory> {
  let sdk: { CryptographyClient: new (keyId: string, credential: unknown) => CryptographyClientLike };
  let identity: { DefaultAzureCredential: new () => unknown };
  try {
    sdk = await import(SDK);
    identity = await import(IDENTITY);
  } catch {
    throw new ConfigError([
      `masterKey: source azure-key-vault needs the packages ${SDK} and ${IDENTITY}: npm install ${SDK} ${IDENTITY}`,
    ]);
  }
  const credential = new identity.DefaultAzureCredential();
  return (keyId) => new sdk.CryptographyClient(keyId, credential);
}
