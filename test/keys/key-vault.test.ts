import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DefaultAzureCredential } from '@azure/identity';
import { CryptographyClient } from '@azure/keyvault-keys';
import { createApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ConfigError } from '../../src/errors.js';
import {
  type CryptographyClientLike,
  type KeyVaultWrapAlgorithm,
  loadAzureCryptographyFactory,
} from '../../src/keys/azure-key-vault.js';
import { withKeyContext } from '../../src/keys/key-context.js';
import { rewrapTenantKeys } from '../../src/keys/key-rotation.js';

const VAULT_KEY = 'https://koppel-test.vault.azure.net/keys/koppel-master';

/**
 * A stand-in for Key Vault's CryptographyClient: RSA-OAEP-256 with a private key that never leaves
 * the "vault", key versions, and the keyID in each result, as the service returns them.
 */
class FakeKeyVault {
  readonly versions = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();
  latest = '';
  calls: string[] = [];

  constructor() {
    this.rotate();
  }

  rotate(): string {
    this.latest = `${(this.versions.size + 1).toString(16).padStart(32, '0')}`;
    this.versions.set(this.latest, generateKeyPairSync('rsa', { modulusLength: 2048 }));
    return this.latest;
  }

  clientFor = (keyId: string): CryptographyClientLike => {
    const pick = () => {
      const version = keyId.startsWith(`${VAULT_KEY}/`) ? keyId.slice(VAULT_KEY.length + 1) : this.latest;
      const pair = this.versions.get(version);
      if (!pair) throw Object.assign(new Error(`key version ${version} not found`), { statusCode: 404 });
      return { version, pair };
    };
    const check = (algorithm: KeyVaultWrapAlgorithm) => {
      if (algorithm !== 'RSA-OAEP-256') throw new Error(`algorithm ${algorithm} not supported by an RSA key`);
    };
    const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    return {
      wrapKey: async (algorithm, key) => {
        check(algorithm);
        const { version, pair } = pick();
        this.calls.push(`wrap ${version}`);
        return {
          result: publicEncrypt({ key: pair.publicKey, ...oaep }, key),
          keyID: `${VAULT_KEY}/${version}`,
        };
      },
      unwrapKey: async (algorithm, encryptedKey) => {
        check(algorithm);
        const { version, pair } = pick();
        this.calls.push(`unwrap ${version}`);
        return {
          result: privateDecrypt({ key: pair.privateKey, ...oaep }, encryptedKey),
          keyID: `${VAULT_KEY}/${version}`,
        };
      },
    };
  };
}

describe('Azure Key Vault master key (against a fake CryptographyClient)', () => {
  it('wraps tenant keys in the vault, unwraps each with the version that wrapped it, and re-wraps after a vault rotation', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-kv-'));
    const vault = new FakeKeyVault();
    const config = loadConfig({
      overrides: { dataDir, masterKey: { source: 'azure-key-vault', keyId: VAULT_KEY } },
    });
    const clock = new ManualClock();
    const open = <T>(fn: Parameters<typeof withKeyContext<T>>[2]) =>
      withKeyContext(config, {}, fn, { keyVault: vault.clientFor, clock });
    try {
      const first = await open(async ({ keys, store }) => {
        const key = await keys.current('acme');
        const row = await store.db.selectFrom('tenant_keys').selectAll().executeTakeFirstOrThrow();
        assert.equal(row.master_key_id, `${VAULT_KEY}/${vault.latest}`, 'the versioned key id is recorded');
        assert.ok(!Buffer.from(row.wrapped_key!).includes(key.key), 'never stored in the clear');
        return key.key;
      });

      const v1 = vault.latest;
      vault.rotate();
      vault.calls = [];
      await open(async ({ keys }) => {
        assert.deepEqual((await keys.current('acme')).key, first, 'still unwraps with the old version');
      });
      assert.deepEqual(vault.calls, [`unwrap ${v1}`]);

      const result = await open(({ store, masters }) => rewrapTenantKeys(store, masters.keys, clock));
      assert.equal(result.rewrapped, 1);
      assert.deepEqual(result.retired, [`${VAULT_KEY}/${v1}`]);
      vault.versions.delete(v1);
      await open(async ({ keys }) => {
        assert.deepEqual((await keys.current('acme')).key, first, 'the old version is no longer needed');
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('validates the key id and the algorithm with messages that say what is expected', () => {
    assert.throws(
      () =>
        loadConfig({ overrides: { masterKey: { source: 'azure-key-vault', keyId: 'http://vault/keys/x' } } }),
      (e: ConfigError) => {
        assert.match(e.issues[0]!, /^masterKey\.keyId: must be a Key Vault key identifier such as https:/);
        return true;
      },
    );
    assert.throws(
      () =>
        loadConfig({
          overrides: { masterKey: { source: 'azure-key-vault', keyId: VAULT_KEY, algorithm: 'RSA1_5' } },
        }),
      /masterKey\.algorithm/,
    );
  });

  it('builds on the real SDK: its CryptographyClient has the shape the adapter needs (no network call)', async () => {
    const factory = await loadAzureCryptographyFactory();
    const client = factory(VAULT_KEY);
    assert.equal(typeof client.wrapKey, 'function');
    assert.equal(typeof client.unwrapKey, 'function');
    // Compile-time check as well: the SDK's own class satisfies the adapter's interface.
    const sdkClient: CryptographyClientLike = new CryptographyClient(VAULT_KEY, new DefaultAzureCredential());
    assert.equal(typeof sdkClient.wrapKey, 'function');
  });
});

describe('koppel on an Azure Key Vault master key', () => {
  it('builds the whole app with it: tenant keys wrapped in the vault, queue payloads round-trip', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-kv-app-'));
    const vault = new FakeKeyVault();
    const config = loadConfig({
      overrides: { dataDir, masterKey: { source: 'azure-key-vault', keyId: VAULT_KEY } },
    });
    const app = await createApp(config, { env: {}, keyVault: vault.clientFor });
    try {
      assert.equal(app.masterKey.source, VAULT_KEY);
      await app.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 1 } }]);
      const [message] = await app.queue.claim<{ n: number }>({ queue: 'q' });
      assert.equal(message!.payload.n, 1);
      assert.ok(
        vault.calls.some((c) => c.startsWith('wrap')),
        'the tenant key was wrapped by the vault',
      );
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
