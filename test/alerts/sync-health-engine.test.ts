import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheus, sampleValue } from '../metrics/prometheus-text.js';
import { TENANT, withSyncHarness } from '../sync/sync-harness.js';

describe('sync health from real rounds (emulators over HTTPS)', () => {
  it('records a good round, meters the API calls, and classifies a refused Mail+ key', async () => {
    await withSyncHarness({ contacts: 3 }, async (h) => {
      const { app } = h.t;
      await h.round();
      const [ok] = await app.syncHealth.list();
      assert.equal(ok?.tenantId, TENANT);
      assert.equal(ok?.failingSince, null);
      assert.ok(ok?.lastOkAt !== null && ok!.lastOkAt! <= h.clock.now());
      const s = parsePrometheus((await app.metrics.scrape()).body);
      for (const service of ['dataverse', 'mailplus'])
        assert.ok(
          (sampleValue(s, 'koppel_api_calls_total', { service, tenant: TENANT, status: '2xx' }) ?? 0) > 0,
          `${service} calls are counted`,
        );
      assert.equal(sampleValue(s, 'koppel_sync_rounds_total', { tenant: TENANT, result: 'ok' }), 1);

      await app.tenants.updateSettings(TENANT, { 'mailplus.consumerSecret': 'not-the-secret' });
      await h.engine.forget(TENANT);
      await assert.rejects(h.round());
      const [failing] = await app.syncHealth.list();
      assert.equal(failing?.errorKind, 'mailplus-key');
      const before = h.clock.now();
      assert.ok(failing?.failingSince !== null && failing!.failingSince! <= before);
      assert.equal(failing?.lastOkAt, ok?.lastOkAt, 'the last good round is kept');
    });
  });
});
