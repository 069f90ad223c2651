import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app.js';
import { SignalWatcher } from '../../src/incidents/signals/signal-watcher.js';
import { createLogger } from '../../src/log/logger.js';
import { startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp } from '../helpers/stores.js';
import { AdminClient } from '../server/admin-client.js';
import { assertFolding, assertOne, MINUTE, watcherOf } from './signals-helpers.js';

describe('automatic signals: each opens exactly one suspected incident', () => {
  it('a tampered ciphertext in the queue (queue.integrity)', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      const opened = await assertFolding(t, 'queue.integrity', async () => {
        await t.app.queue.enqueue([{ tenantId: 'acme', queue: 'to-mailplus', payload: { op: 'x' } }]);
        const row = await t.app.store.db
          .selectFrom('queue_messages')
          .select(['seq', 'payload'])
          .where('state', '=', 0)
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        const altered = Buffer.from(row.payload);
        altered[altered.length - 1]! ^= 0xff;
        await t.app.store.db
          .updateTable('queue_messages')
          .set({ payload: altered })
          .where('seq', '=', row.seq)
          .execute();
        assert.deepEqual(await t.app.queue.claim({ queue: 'to-mailplus', tenantId: 'acme' }), []);
      });
      assert.deepEqual(opened[0]!.tenants, [], 'acme is no tenant here: named in the summary only');
      assert.match(opened[0]!.summary, /to-mailplus\//);
      assert.equal((await t.app.queue.listDeadLetters()).filter((d) => d.reason === 'integrity').length, 3);
    } finally {
      await t.close();
    }
  });

  it('a tenant key that no longer unwraps (keys.access-failed), recorded before the error is rethrown', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      await t.app.keys.current('acme');
      const row = await t.app.store.db.selectFrom('tenant_keys').selectAll().executeTakeFirstOrThrow();
      const altered = Buffer.from(row.wrapped_key!);
      altered[altered.length - 1]! ^= 0xff;
      await t.app.store.db.updateTable('tenant_keys').set({ wrapped_key: altered }).execute();
      await assertFolding(t, 'keys.access-failed', async () => {
        t.app.keys.forget('acme');
        await assert.rejects(t.app.keys.current('acme'));
      });
      const events = await t.app.store.db
        .selectFrom('security_events')
        .selectAll()
        .where('kind', '=', 'keys.access-failed')
        .execute();
      assert.equal(events[0]!.tenant_id, 'acme');
      assert.match(events[0]!.detail, /"masterKeyId":/);
    } finally {
      await t.close();
    }
  });

  it('a master key that cannot be opened at start is recorded without it (the table needs no key)', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      const { watcher, of } = watcherOf(t);
      // The same store, started without its master key: no store key, and the start fails.
      await assert.rejects(createApp(t.app.config, { env: {}, clock: t.clock }), /KOPPEL_MASTER_KEY/);
      await watcher.runDue();
      const incident = assertOne(await of('keys.access-failed'), 'keys.access-failed', 1);
      assert.deepEqual(incident.tenants, []);
      assert.match(incident.summary, /master key/);
      t.clock.advance(5 * MINUTE);
      await assert.rejects(createApp(t.app.config, { env: {}, clock: t.clock }));
      await watcher.runDue();
      assertOne(await of('keys.access-failed'), 'keys.access-failed', 2);
    } finally {
      await t.close();
    }
  });

  it('repeated failed logins across addresses (admin.login-failed): 10 within 15 minutes, not 9', async () => {
    const t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.0/8'] } },
      { log: createLogger('silent') },
    );
    const server = await startAdminServer({ app: t.app });
    const clients: AdminClient[] = [];
    let next = 1;
    // Three addresses or fewer per burst of 10, so no address reaches the lockout on its own.
    const failFrom = async (times: number) => {
      const client = new AdminClient(server.url, server.certificate.cert, [], `127.0.0.${next++}`);
      clients.push(client);
      for (let i = 0; i < times; i++)
        assert.equal((await client.login(`nobody${i}`, 'wrong password', '000000')).status, 401);
    };
    try {
      const { watcher, of, all } = watcherOf(t);
      await failFrom(3);
      await failFrom(3);
      await failFrom(3);
      await watcher.runDue();
      assert.equal((await all()).length, 0, 'nine failures are typing errors, not a signal');
      await failFrom(1);
      await watcher.runDue();
      assertOne(await of('admin.login-failed'), 'admin.login-failed', 1);
      t.clock.advance(5 * MINUTE);
      await failFrom(1);
      await watcher.runDue();
      assertOne(await of('admin.login-failed'), 'admin.login-failed', 2);
      t.clock.advance(61 * MINUTE);
      for (const n of [3, 3, 2, 2]) await failFrom(n);
      await watcher.runDue();
      assert.equal((await of('admin.login-failed')).length, 2);
      assert.ok(!(await all()).some((i) => /127\.0\.0/.test(i.summary + i.title)), 'no address in texts');
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
      await t.close();
    }
  });

  it('a lockout of one account or address opens it too (5 failures from one address)', async () => {
    const t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.0/8'] } },
      { log: createLogger('silent') },
    );
    const server = await startAdminServer({ app: t.app });
    const client = new AdminClient(server.url, server.certificate.cert, [], '127.0.0.9');
    try {
      const { watcher, of, all } = watcherOf(t);
      for (let i = 0; i < 4; i++) await client.login('nobody', 'wrong', '000000');
      await watcher.runDue();
      assert.equal((await all()).length, 0);
      await client.login('nobody', 'wrong', '000000');
      await watcher.runDue();
      const incident = assertOne(await of('admin.login-failed'), 'admin.login-failed', 1);
      assert.match(incident.summary, /lockout/);
    } finally {
      await client.close();
      await server.close();
      await t.close();
    }
  });

  it('access from outside the allowlist (admin.address-refused)', async () => {
    const t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32'] } },
      { log: createLogger('silent') },
    );
    const server = await startAdminServer({ app: t.app });
    const outside = new AdminClient(server.url, server.certificate.cert, [], '127.0.0.2');
    try {
      await assertFolding(t, 'admin.address-refused', async () => {
        assert.equal((await outside.send('GET', '/healthz')).status, 403);
      });
    } finally {
      await outside.close();
      await server.close();
      await t.close();
    }
  });

  it('a CSRF refusal is recorded but opens nothing; a watcher restarted after a crash applies nothing twice', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      const { watcher, of, all } = watcherOf(t);
      const register = t.app.incidents;
      await t.app.tenants.add('acme', 'Acme BV');
      await t.app.securityEvents.record({
        kind: 'admin.csrf-refused',
        tenantId: null,
        subject: null,
        detail: {},
      });
      const event = {
        kind: 'sync.mass-removal-paused',
        tenantId: 'acme',
        subject: 'acme',
        detail: { removals: 80 },
      };
      await t.app.securityEvents.record(event);
      await t.app.securityEvents.record(event);
      // A crash after the register wrote but before the events were marked handled.
      const crashing = new SignalWatcher({
        db: t.app.store.db,
        clock: t.clock,
        register: {
          report: (input, actor) => register.report(input, actor),
          append: async (id, body, actor) => {
            await register.append(id, body, actor);
            throw new Error('crash');
          },
          list: (filter) => register.list(filter),
        },
        config: t.app.config.incidents.signals,
      });
      await assert.rejects(crashing.runDue(), /crash/);
      const pass = await watcher.runDue();
      assert.equal(pass.opened.length, 0);
      assert.equal(pass.folded, 0, 'the folded event is seen applied, not folded again');
      const incident = assertOne(await of('sync.mass-removal-paused'), 'sync.mass-removal-paused', 2);
      assert.deepEqual(incident.tenants, ['acme']);
      assert.equal((await all()).length, 1);
    } finally {
      await t.close();
    }
  });
});
