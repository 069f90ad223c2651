import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { ManualClock, seededRandom } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { withKeyContext } from '../../src/keys/key-context.js';
import { rewrapTenantKeys } from '../../src/keys/key-rotation.js';
import { MasterKeyUnavailableError } from '../../src/keys/key-wrapper.js';
import { parseMasterKey } from '../../src/keys/master-key.js';
import { runCli } from '../helpers/cli.js';
import { type Backend, createPgSchema, PG_SKIP_REASON } from '../helpers/stores.js';

const newKey = () => randomBytes(32).toString('base64');

/** One store that several koppel processes (apps) with different key configurations open. */
async function sharedStore(backend: Backend) {
  const dataDir = mkdtempSync(join(tmpdir(), 'koppel-rot-'));
  const schema = backend === 'postgres' ? await createPgSchema() : undefined;
  const base = { KOPPEL_DATA_DIR: dataDir, KOPPEL_STORE_URL: schema?.url ?? join(dataDir, 'koppel.db') };
  const clock = new ManualClock();
  const open = (keys: NodeJS.ProcessEnv) => {
    const env = { ...base, ...keys };
    return createApp(loadConfig({ env }), { env, clock, random: seededRandom(1) });
  };
  const cleanup = async () => {
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, clock, open, cleanup };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`master key rotation (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('re-wraps every tenant key; data still decrypt with only the new key; a process with the old key keeps its cached keys', async () => {
      const s = await sharedStore(backend);
      const [oldKey, nextKey] = [newKey(), newKey()];
      const running = await s.open({ KOPPEL_MASTER_KEY: oldKey });
      try {
        await running.queue.enqueue([
          { tenantId: 'acme', queue: 'q', payload: { n: 1 } },
          { tenantId: 'beta', queue: 'q', payload: { n: 2 } },
        ]);
        assert.equal(await running.keys.rotate('acme'), 2, 'rotate-tenant makes version 2');
        await running.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 3 } }]);

        const env = { ...s.base, KOPPEL_MASTER_KEY: nextKey, KOPPEL_MASTER_KEY_PREVIOUS: oldKey };
        const result = await withKeyContext(loadConfig({ env }), env, ({ store, masters }) =>
          rewrapTenantKeys(store, masters.keys, s.clock),
        );
        assert.deepEqual(result, {
          rewrapped: 3,
          alreadyCurrent: 0,
          remaining: 0,
          retired: [parseMasterKey(oldKey, 'old').id],
        });

        // The running process still has acme's current key in memory and goes on sealing with it.
        await running.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 4 } }]);
        // Cold, it can no longer unwrap, and it refuses to wrap a new tenant's key with the retired key.
        running.keys.forget();
        await assert.rejects(running.keys.version('beta', 1), MasterKeyUnavailableError);
        await assert.rejects(running.keys.current('gamma'), /retired by `koppel keys rotate`/);

        const restarted = await s.open({ KOPPEL_MASTER_KEY: nextKey });
        try {
          const claimed = await restarted.queue.claim<{ n: number }>({ queue: 'q', limit: 10 });
          assert.deepEqual(
            claimed.map((m) => m.payload.n).sort(),
            [1, 2, 3, 4],
            'old master key no longer needed',
          );
          assert.equal((await restarted.queue.listDeadLetters()).length, 0);
          const rows = await restarted.store.db.selectFrom('tenant_keys').selectAll().execute();
          assert.ok(rows.every((r) => r.rewrapped_at === s.clock.now()));
        } finally {
          await restarted.close();
        }
      } finally {
        await running.close();
        await s.cleanup();
      }
    });

    it('refuses to start a rotation when a tenant key needs a master key that is not configured', async () => {
      const s = await sharedStore(backend);
      const app = await s.open({ KOPPEL_MASTER_KEY: newKey() });
      try {
        await app.keys.current('acme');
        const env = { ...s.base, KOPPEL_MASTER_KEY: newKey() };
        await assert.rejects(
          withKeyContext(loadConfig({ env }), env, ({ store, masters }) =>
            rewrapTenantKeys(store, masters.keys, s.clock),
          ),
          /tenant acme is wrapped by master key [0-9a-f]{16}, which this process does not have/,
        );
      } finally {
        await app.close();
        await s.cleanup();
      }
    });
  });
}

describe('koppel keys rotate --generate (key file)', () => {
  it('swaps the key file, re-wraps, and a running koppel picks the new key up without a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-rot-'));
    const env = { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: '' };
    const running = await createApp(loadConfig({ env }), { env });
    try {
      await running.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 1 } }]);
      const oldId = running.masterKey.id;

      const run = await runCli(['keys', 'rotate', '--generate'], env);
      assert.equal(run.code, 0, run.stderr);
      const keyFile = join(dataDir, 'master.key');
      const retired = join(dataDir, `master.key.retired-${oldId}`);
      const newId = parseMasterKey(readFileSync(keyFile, 'utf8'), keyFile).id;
      assert.notEqual(newId, oldId);
      assert.match(run.stdout, new RegExp(`re-wrapped 1 tenant key\\(s\\) with master key ${newId}`));
      assert.match(run.stdout, /Back up the new key file now/);
      assert.match(run.stdout, /no longer needed by this database/);
      for (const file of [keyFile, retired]) assert.equal(statSync(file).mode & 0o777, 0o600);

      running.keys.forget();
      const [message] = await running.queue.claim<{ n: number }>({ queue: 'q' });
      assert.equal(message?.payload.n, 1, 'the running process re-read the key file');
      assert.equal(running.keys.masterKeys.current.id, newId);
      await running.queue.complete([message!]);

      rmSync(retired);
      const status = await runCli(['keys', 'status', '--json'], env);
      assert.equal(status.code, 0, status.stderr);
      const parsed = JSON.parse(status.stdout);
      assert.deepEqual(parsed.wrappedBy, { [newId]: 1 });
      assert.equal(parsed.tenants[0].tenantId, 'acme');
      assert.equal(typeof parsed.tenants[0].rewrappedAt, 'number');
      assert.equal(existsSync(retired), false);
    } finally {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says what to do when there is nothing to re-wrap', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'koppel-rot-'));
    const run = await runCli(['keys', 'rotate'], { KOPPEL_DATA_DIR: dataDir, KOPPEL_MASTER_KEY: newKey() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /nothing to do/);
    assert.match(run.stdout, /KOPPEL_MASTER_KEY_PREVIOUS to the current key/);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
