import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../helpers/stores.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';

describe('incident API', () => {
  let api: TestAdminServer;
  let t: TestApp;

  before(async () => {
    api = await startTestAdminServer({ admins: ['alice'], dpos: ['fg'], tenants: { acme: 'Acme Test BV' } });
    t = api.t;
  });
  after(async () => {
    await api?.close();
  });

  it('lets an admin report and step, the DPO close, and refuses with the reason', async () => {
    const admin = await api.signIn('alice');
    const created = await admin.write('POST', '/api/incidents', { title: 'Laptop lost', tenants: ['acme'] });
    assert.equal(created.status, 201, created.text);
    const { id } = created.json();
    assert.match(id, /^INC-2026-0001$/);
    const unknown = await admin.write('POST', '/api/incidents', { title: 'x', tenants: ['nosuch'] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json().error, /no tenant "nosuch"/);

    assert.equal(
      (await admin.write('POST', `/api/incidents/${id}/advance`, { to: 'triage', reason: 'check' })).status,
      200,
    );
    const noAware = await admin.write('POST', `/api/incidents/${id}/advance`, {
      to: 'breach-confirmed',
      reason: 'read',
    });
    assert.equal(noAware.status, 409);
    assert.equal(noAware.json().code, 'aware-at-required');
    const aware = new Date(t.clock.now()).toISOString();
    const confirmed = await admin.write('POST', `/api/incidents/${id}/advance`, {
      to: 'breach-confirmed',
      reason: 'disk not encrypted',
      awareAt: aware,
    });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(
      (
        await admin.write('POST', `/api/incidents/${id}/measures`, {
          kind: 'taken',
          text: 'remote wipe sent',
        })
      ).status,
      200,
    );
    const evidence = await admin.write('POST', `/api/incidents/${id}/evidence`, {
      name: 'wipe-log.txt',
      contentBase64: Buffer.from('wipe ok').toString('base64'),
    });
    assert.equal(evidence.status, 201, evidence.text);
    assert.match(evidence.json().sha256, /^[0-9a-f]{64}$/);

    const shown = await admin.send('GET', `/api/incidents/${id}?lang=en`);
    assert.equal(shown.status, 200);
    const body = shown.json();
    assert.equal(body.state, 'breach-confirmed');
    assert.deepEqual(body.measuresTaken, ['remote wipe sent']);
    assert.equal(body.clocks.deadlines[0].name, 'customer-notice');
    assert.equal(body.clocks.deadlines[0].dueDisplay, 'Fri 2 Jan 2026 01:00 (UTC+01:00)');
    assert.equal((await admin.send('GET', '/api/incidents/INC-2026-0099')).status, 404);

    // The DPO sees it too, and closes what an admin may not.
    const dpo = await api.signIn('fg');
    const list = await dpo.send('GET', '/api/incidents?open=true');
    assert.deepEqual(
      list.json().incidents.map((i: { id: string }) => i.id),
      [id],
    );
    const other = (await admin.write('POST', '/api/incidents', { title: 'False alarm', tenants: [] })).json()
      .id;
    await admin.write('POST', `/api/incidents/${other}/advance`, { to: 'triage', reason: 'check' });
    await admin.write('POST', `/api/incidents/${other}/advance`, { to: 'not-a-breach', reason: 'a drill' });
    await dpo.write('POST', `/api/incidents/${other}/lessons`, { text: 'label drills' });
    const byAdmin = await admin.write('POST', `/api/incidents/${other}/advance`, {
      to: 'closed',
      reason: 'done',
    });
    assert.equal(byAdmin.status, 409);
    assert.match(byAdmin.json().error, /only the DPO/);
    const byDpo = await dpo.write('POST', `/api/incidents/${other}/advance`, {
      to: 'closed',
      reason: 'done',
    });
    assert.equal(byDpo.status, 200, byDpo.text);
    const audit = await t.app.audit.list();
    assert.ok(
      audit.some(
        (e) => e.action === 'incident.advance' && e.actor === 'fg' && e.target === other && e.result === 'ok',
      ),
    );
    await admin.close();
    await dpo.close();
  });
});
