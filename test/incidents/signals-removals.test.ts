import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log/logger.js';
import { startAdminServer } from '../../src/server/admin-server.js';
import { CheckpointStore } from '../../src/sync/checkpoint-store.js';
import { RemovalGuard } from '../../src/sync/removal-guard.js';
import { runCli } from '../helpers/cli.js';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';
import { AdminClient, codeAt } from '../server/admin-client.js';

const PASSWORD = 'violet-harbour-lantern-42';

/** A burst far above the tenant's rate, as a sync round reports it: the removals are paused. */
async function pauseRemovals(t: TestApp, tenantId: string, removals: number) {
  const guard = new RemovalGuard(
    new CheckpointStore(t.app.store, t.clock),
    t.clock,
    undefined,
    t.app.securityEvents,
  );
  for (let i = 0; i < 5; i++) assert.equal((await guard.afterRead(tenantId, 2))?.state, undefined);
  return guard.afterRead(tenantId, removals);
}

describe('koppel tenant removals and /api/tenants/:id/removals', () => {
  it('the threshold is max(50, 10 x the rolling average): 50 pass, 51 pause', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    try {
      const guard = new RemovalGuard(new CheckpointStore(t.app.store, t.clock), t.clock);
      assert.equal(await guard.afterRead('acme', 50), null);
      const paused = await guard.afterRead('acme', 501);
      // The average after one round of 50 is 50: 10 x 50 = 500.
      assert.equal(paused?.threshold, 500);
      assert.equal(paused?.state, 'paused');
      assert.equal(await guard.afterRead('beta', 51).then((p) => p?.state), 'paused');
    } finally {
      await t.close();
    }
  });

  it('API: shows the pause to admin and DPO, an admin confirms (audited), a second decision is 409', async () => {
    const t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32'] } },
      { log: createLogger('silent') },
    );
    const alice = await t.app.admins.add('alice', 'admin', PASSWORD);
    await t.app.tenants.add('acme', 'Acme BV');
    const server = await startAdminServer({ app: t.app });
    const c = new AdminClient(server.url, server.certificate.cert);
    try {
      await pauseRemovals(t, 'acme', 80);
      assert.equal((await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock))).status, 204);
      const shown = await c.send('GET', '/api/tenants/acme/removals');
      assert.equal(shown.status, 200);
      assert.equal(shown.json().pause.state, 'paused');
      assert.equal(shown.json().pause.removals, 80);
      const confirmed = await c.write('POST', '/api/tenants/acme/removals/confirm');
      assert.equal(confirmed.status, 200, confirmed.text);
      assert.equal(confirmed.json().pause.state, 'confirmed');
      assert.equal(confirmed.json().pause.decidedBy, 'alice');
      const again = await c.write('POST', '/api/tenants/acme/removals/reject');
      assert.equal(again.status, 409);
      assert.match(again.json().error, /no paused removals/);
      assert.equal((await c.send('GET', '/api/tenants/nobody/removals')).status, 404);
      const audit = (await t.app.audit.list()).filter((e) => e.action.startsWith('tenant.removals'));
      assert.deepEqual(
        audit.map((e) => [e.actor, e.action, e.target, e.result]),
        [
          ['alice', 'tenant.removals.confirm', 'acme', 'ok'],
          ['alice', 'tenant.removals.reject', 'acme', 'refused'],
        ],
      );
    } finally {
      await c.close();
      await server.close();
      await t.close();
    }
  });

  it('CLI: show --json, then reject; rejecting nothing exits 1 naming why', async () => {
    const t = await createTestApp('sqlite', {}, { log: createLogger('silent') });
    await t.app.tenants.add('acme', 'Acme BV');
    await pauseRemovals(t, 'acme', 120);
    const env = {
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      KOPPEL_DATA_DIR: t.dataDir,
      KOPPEL_STORE_URL: t.storeUrl,
    };
    try {
      const shown = await runCli(['tenant', 'removals', 'show', 'acme', '--json'], env);
      assert.equal(shown.code, 0, shown.stderr);
      const view = JSON.parse(shown.stdout);
      assert.equal(view.pause.state, 'paused');
      assert.equal(view.pause.removals, 120);
      const rejected = await runCli(['tenant', 'removals', 'reject', 'acme'], env);
      assert.equal(rejected.code, 0, rejected.stderr);
      assert.match(rejected.stdout, /removals rejected/);
      const again = await runCli(['tenant', 'removals', 'confirm', 'acme'], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /tenant acme has no paused removals to confirm/);
      const audit = (await t.app.audit.list()).filter((e) => e.action.startsWith('tenant.removals'));
      assert.deepEqual(
        audit.map((e) => [e.action, e.result]),
        [
          ['tenant.removals.reject', 'ok'],
          ['tenant.removals.confirm', 'refused'],
        ],
      );
      assert.match(audit[0]!.actor, /^cli:/);
    } finally {
      await t.close();
    }
  });
});
