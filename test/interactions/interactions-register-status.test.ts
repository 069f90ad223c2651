import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRegister } from '../../src/register/build-register.js';
import { statusReport } from '../../src/status/status-report.js';
import { createTestApp } from '../helpers/stores.js';

test('the register lists interactions only for a tenant that switched them on; status shows the switch', async () => {
  const t = await createTestApp('sqlite');
  try {
    await t.app.tenants.add('on', 'Interactions On BV');
    await t.app.tenants.add('off', 'Interactions Off BV');
    await t.app.tenants.updateSettings('on', { 'interactions.enabled': true });
    const register = await buildRegister(t.app);
    const on = register.controllers.find((c) => c.id === 'on')!;
    const off = register.controllers.find((c) => c.id === 'off')!;
    assert.ok(on.categories.includes('interactions'));
    assert.ok(on.activities.includes('read-mailplus') && on.activities.includes('write-dataverse'));
    assert.ok(!off.categories.includes('interactions'));
    assert.ok(register.dataCategories.includes('interactions'));
    const report = await statusReport(t.app, t.app.engine, 'test', t.app.clock.now());
    const byId = new Map(report.tenants.map((r) => [r.id, r.interactions]));
    assert.equal(byId.get('on')?.enabled, true);
    assert.equal(byId.get('off')?.enabled, false);
    assert.deepEqual(byId.get('on')?.written, { sent: 0, opened: 0, clicked: 0, bounced: 0 });
  } finally {
    await t.close();
  }
});

test('settings: campaign-response needs a campaign id; an unknown target is refused by name', async () => {
  const t = await createTestApp('sqlite');
  try {
    await t.app.tenants.add('acme', 'Acme BV');
    await assert.rejects(
      t.app.tenants.updateSettings('acme', { 'interactions.target': 'campaign-response' }),
      /interactions\.campaignId/,
    );
    await assert.rejects(
      t.app.tenants.updateSettings('acme', { 'interactions.target': 'email' }),
      /interactions\.target/,
    );
    assert.equal((await t.app.tenants.settings('acme')).interactions.enabled, undefined, 'off by default');
  } finally {
    await t.close();
  }
});
