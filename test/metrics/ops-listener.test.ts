import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createLogger } from '../../src/log/logger.js';
import { type OpsListener, startOpsListener } from '../../src/metrics/ops-listener.js';
import { type AdminServer, startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { AdminClient } from '../server/admin-client.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

const TOKEN = 'scrape-token-0123456789abcdef';

describe('worker listener: /healthz, /readyz, /metrics', () => {
  let t: TestApp;
  let listener: OpsListener;
  let leaseHeld = true;

  before(async () => {
    t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    await t.app.tenants.add('tenant-a', 'Tenant A');
    await t.app.queue.enqueue([{ tenantId: 'tenant-a', queue: 'mailplus', payload: { n: 1 } }]);
    listener = await startOpsListener({ app: t.app, port: 0, lease: () => leaseHeld });
  });
  after(async () => {
    await listener?.close();
    await t?.close();
  });

  it('listens on loopback by default', () => {
    assert.match(listener.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('is alive and ready while the store answers, migrations are current and the lease is held', async () => {
    const health = await fetch(`${listener.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true });
    const ready = await fetch(`${listener.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true });
  });

  it('is not ready without its lease', async () => {
    leaseHeld = false;
    try {
      const ready = await fetch(`${listener.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { ready: false, failed: ['lease'] });
    } finally {
      leaseHeld = true;
    }
  });

  it('is not ready when the store holds a migration this code does not know', async () => {
    const db = t.app.store.db;
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_a_newer_koppel', '2026-12-01')`.execute(
      db,
    );
    try {
      // Kysely reports an unknown applied migration as corrupt; either way the store is not ours.
      const ready = await fetch(`${listener.url}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { failed: string[] };
      assert.ok(body.failed.length > 0);
    } finally {
      await sql`DELETE FROM kysely_migration WHERE name = '9999_from_a_newer_koppel'`.execute(db);
    }
  });

  it('serves metrics to a loopback scraper without a token', async () => {
    const reply = await fetch(`${listener.url}/metrics`);
    assert.equal(reply.status, 200);
    const s = parsePrometheus(await reply.text());
    assert.equal(sampleValue(s, 'koppel_queue_messages', { tenant: 'tenant-a', state: 'ready' }), 1);
  });

  it('answers 404 elsewhere and 405 to anything but GET', async () => {
    assert.equal((await fetch(`${listener.url}/api/status`)).status, 404);
    assert.equal((await fetch(`${listener.url}/metrics`, { method: 'POST' })).status, 405);
  });
});

describe('/metrics with metrics.token', () => {
  let t: TestApp;
  let listener: OpsListener;
  let server: AdminServer;

  before(async () => {
    t = await createTestApp(
      'sqlite',
      {
        metrics: { token: TOKEN },
        server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32'] },
      },
      { log: createLogger('silent') },
    );
    listener = await startOpsListener({ app: t.app, port: 0 });
    server = await startAdminServer({ app: t.app });
  });
  after(async () => {
    await listener?.close();
    await server?.close();
    await t?.close();
  });

  it('the worker listener refuses a scrape without the token or with a wrong one, and accepts the token', async () => {
    assert.equal((await fetch(`${listener.url}/metrics`)).status, 401);
    const wrong = await fetch(`${listener.url}/metrics`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${listener.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(right.status, 200);
    assert.ok(
      parsePrometheus(await right.text()).some(
        (s) => s.name === 'koppel_api_calls_total' || s.name === 'process_cpu_seconds_total',
      ),
    );
  });

  it('the admin server wants the token too, without a session', async () => {
    const c = new AdminClient(server.url, server.certificate.cert);
    assert.equal((await c.send('GET', '/metrics')).status, 401);
    assert.equal((await c.send('GET', '/metrics', undefined, { authorization: 'Bearer nope' })).status, 401);
    const ok = await c.send('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /^text\/plain/);
    assert.ok(parsePrometheus(ok.text).length > 0);
    await c.close();
  });

  it('the admin server allowlist comes first: the right token from an address outside it gets 403', async () => {
    const c = new AdminClient(server.url, server.certificate.cert, [], '127.0.0.2');
    const reply = await c.send('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` });
    assert.equal(reply.status, 403);
    assert.ok(!reply.text.includes('koppel_'));
    await c.close();
  });
});
