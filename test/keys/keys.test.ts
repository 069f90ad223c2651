import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import type { ConfigError } from '../../src/errors.js';
import { IntegrityError, open, seal } from '../../src/keys/envelope.js';
import { KeyDestroyedError } from '../../src/keys/key-ring.js';
import { loadMasterKey } from '../../src/keys/master-key.js';
import { createTestApp } from '../helpers/stores.js';

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
    writeFileSync(join(dataDir, 'master.key'), 'not a key\n');
    assert.throws(() => loadMasterKey(loadConfig({ overrides: { dataDir } }), {}), /must hold a 256-bit key/);
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
