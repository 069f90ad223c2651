import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ConfigError } from '../../src/errors.js';
import { IntegrityError, open, seal } from '../../src/keys/envelope.js';
import { KeyDestroyedError } from '../../src/keys/key-ring.js';
import { loadMasterKey } from '../../src/keys/master-key.js';
import { runCli } from '../helpers/cli.js';
import { createPgSchema, createTestApp, PG_SKIP_REASON } from '../helpers/stores.js';

describe('envelope encryption', () => {
  const key = Buffer.alloc(32, 1);

  it('round-trips and binds the ciphertext to its associated data', () => {
    const sealed = seal(key, Buffer.from('hello'), 'tenant-a/msg-1');
    assert.equal(open(key, sealed, 'tenant-a/msg-1').toString(), 'hello');
    assert.throws(() => open(key, sealed, 'tenant-b/msg-1'), IntegrityError);
    assert.throws(() => open(key, sealed, 'tenant-a/msg-2'), IntegrityError);
    assert.throws(() => open(Buffer.alloc(32, 2), sealed, 'tenant-a/msg-1'), IntegrityError);
  });

  it('uses a fresh IV every time', () => {
    assert.notDeepEqual(seal(key, Buffer.from('x'), 'a'), seal(key, Buffer.from('x'), 'a'));
  });

  it('rejects truncated or foreign data', () => {
    assert.throws(() => open(key, Buffer.from('short'), 'a'), IntegrityError);
  });
});

describe('master key', () => {
  it('creates a key file with mode 0600 on first start and reuses it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mk-'));
    const config = loadConfig({ overrides: { dataDir } });
    const first = loadMasterKey(config, {});
    assert.equal(first.created, true);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    const second = loadMasterKey(config, {});
    assert.equal(second.created, false);
    assert.equal(second.masterKey.id, first.masterKey.id);
  });

  it('reads the key from an environment variable, and explains a bad one', () => {
    const config = loadConfig({ env: { KOPPEL_MASTER_KEY: 'set' } });
    const hex = 'ab'.repeat(32);
    assert.equal(loadMasterKey(config, { KOPPEL_MASTER_KEY: hex }).masterKey.key.toString('hex'), hex);
    assert.throws(
      () => loadMasterKey(config, { KOPPEL_MASTER_KEY: 'too-short' }),
      (e: ConfigError) => {
        assert.match(e.issues[0]!, /KOPPEL_MASTER_KEY: must hold a 256-bit key/);
        return true;
      },
    );
    assert.throws(() => loadMasterKey(config, {}), /KOPPEL_MASTER_KEY is not set/);
  });

  it('rejects a key file that does not hold a 256-bit key', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mk-'));
    writeFileSync(join(dataDir, 'master.key'), 'not a key\n', { mode: 0o600 });
    assert.throws(() => loadMasterKey(loadConfig({ overrides: { dataDir } }), {}), /must hold a 256-bit key/);
  });
});

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`a lost master key file (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('is not replaced when the store holds wrapped keys; a key is made only for an empty store', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mk-'));
      const schema = backend === 'postgres' ? await createPgSchema() : undefined;
      const env = { KOPPEL_DATA_DIR: dataDir, ...(schema ? { KOPPEL_STORE_URL: schema.url } : {}) };
      const config = loadConfig({ env });
      const keyFile = join(dataDir, 'master.key');
      try {
        const empty = await createApp(config, { env: {} });
        assert.equal(empty.masterKey.created, true);
        await empty.close();
        rmSync(keyFile);
        const again = await createApp(config, { env: {} });
        assert.equal(again.masterKey.created, true, 'a migrated store without tenant keys is still empty');
        await again.keys.current('acme');
        await again.close();

        rmSync(keyFile);
        await assert.rejects(
          createApp(config, { env: {} }),
          /master key file missing: .*master\.key does not exist, but the store holds 1 tenant key\(s\).*Restore the key file from your backup/,
        );
        assert.equal(existsSync(keyFile), false, 'no new key file was made');
      } finally {
        await schema?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('the master key file and the database file', () => {
  it('stops every command while the key file is readable by group or others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mk-'));
    const env = { KOPPEL_DATA_DIR: dataDir };
    const config = loadConfig({ env });
    try {
      await (await createApp(config, { env: {} })).close();
      chmodSync(join(dataDir, 'master.key'), 0o640);
      await assert.rejects(createApp(config, { env: {} }), /master\.key has mode 0640: .*chmod 600/);
      const run = await runCli(['tenant', 'list'], { ...env, KOPPEL_MASTER_KEY: '' });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /has mode 0640/);
      chmodSync(join(dataDir, 'master.key'), 0o600);
      await (await createApp(config, { env: {} })).close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses an empty database file beside the key file of an earlier store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-mk-'));
    const config = loadConfig({ env: { KOPPEL_DATA_DIR: dataDir } });
    try {
      const first = await createApp(config, { env: {} });
      await first.keys.current('acme');
      await first.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `koppel.db${suffix}`), { force: true });
      writeFileSync(join(dataDir, 'koppel.db'), '', { mode: 0o600 });
      truncateSync(join(dataDir, 'koppel.db'), 0);
      await assert.rejects(
        createApp(config, { env: {} }),
        /koppel\.db is empty \(0 bytes\), but the master key file .*belongs to an earlier store/,
      );
      assert.equal(statSync(join(dataDir, 'koppel.db')).size, 0, 'the file was left as it was');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('tenant data keys', () => {
  it('gives each tenant its own key, stored only wrapped, and shreds it on destroy', async () => {
    const t = await createTestApp('sqlite');
    try {
      const a = await t.app.keys.current('a');
      const b = await t.app.keys.current('b');
      assert.notDeepEqual(a.key, b.key);
      const rows = await t.app.store.db.selectFrom('tenant_keys').selectAll().execute();
      for (const row of rows)
        assert.ok(!Buffer.from(row.wrapped_key!).includes(a.key), 'never stored in the clear');
      await t.app.queue.enqueue([{ tenantId: 'a', queue: 'q', payload: { n: 1 } }]);
      assert.equal(await t.app.keys.destroy('a'), 1);
      await assert.rejects(t.app.keys.current('a'), KeyDestroyedError);
      assert.deepEqual(
        await t.app.queue.claim({ queue: 'q' }),
        [],
        'data of a shredded tenant is never delivered',
      );
      assert.equal((await t.app.queue.listDeadLetters())[0]!.reason, 'key-destroyed');
      assert.equal((await t.app.keys.current('b')).version, 1, 'other tenants are untouched');
    } finally {
      await t.close();
    }
  });
});
