import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log/logger.js';
import { startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp } from '../helpers/stores.js';
import { AdminClient } from './admin-client.js';

describe('admin server allowlist (server.allow)', () => {
  it('answers 403 before any route to an address outside the list, and records a security event', async () => {
    const events: string[] = [];
    const t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32'] } },
      { log: createLogger('silent'), onSecurityEvent: (e) => events.push(e.kind) },
    );
    const server = await startAdminServer({ app: t.app });
    // The same machine, from a second loopback address: outside 127.0.0.1/32.
    const outside = new AdminClient(server.url, server.certificate.cert, [], '127.0.0.2');
    const inside = new AdminClient(server.url, server.certificate.cert, [], '127.0.0.1');
    try {
      for (const [method, path] of [
        ['GET', '/healthz'],
        ['GET', '/api/openapi.json'],
        ['POST', '/api/session'],
        ['GET', '/no/such/route'],
      ] as const) {
        const reply = await outside.send(method, path, method === 'POST' ? { username: 'a' } : undefined);
        assert.equal(reply.status, 403, `${method} ${path}`);
        assert.deepEqual(reply.json(), { error: 'forbidden' });
      }
      assert.equal((await inside.send('GET', '/healthz')).status, 200);
      assert.equal(events.filter((k) => k === 'admin.address-refused').length, 4);
      const stored = await t.app.store.db
        .selectFrom('security_events')
        .select(['kind', 'detail'])
        .where('kind', '=', 'admin.address-refused')
        .execute();
      assert.equal(stored.length, 4);
      assert.equal(JSON.parse(stored[0]!.detail).address, '127.0.0.2');
      // No login attempt reached the login route.
      assert.equal((await t.app.audit.list()).length, 0);
    } finally {
      await Promise.all([outside.close(), inside.close()]);
      await server.close();
      await t.close();
    }
  });

  it('believes X-Forwarded-For only from a proxy named in server.trustProxy', async () => {
    const behindProxy = async (trustProxy: string[]) => {
      const t = await createTestApp(
        'sqlite',
        { server: { host: '127.0.0.1', port: 0, allow: ['10.0.0.0/8'], trustProxy } },
        { log: createLogger('silent') },
      );
      const server = await startAdminServer({ app: t.app });
      const proxy = new AdminClient(server.url, server.certificate.cert);
      try {
        return {
          forwarded: (await proxy.send('GET', '/healthz', undefined, { 'x-forwarded-for': '10.1.2.3' }))
            .status,
          direct: (await proxy.send('GET', '/healthz')).status,
        };
      } finally {
        await proxy.close();
        await server.close();
        await t.close();
      }
    };
    assert.deepEqual(await behindProxy(['127.0.0.1']), { forwarded: 200, direct: 403 });
    assert.deepEqual(await behindProxy([]), { forwarded: 403, direct: 403 }, 'never trusted by default');
  });
});
