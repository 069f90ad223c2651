import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../helpers/stores.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';

const EXAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../docs/examples/tenant-contacts.json'), 'utf8'),
);

describe('tenant contacts API', () => {
  let api: TestAdminServer;
  let t: TestApp;

  before(async () => {
    api = await startTestAdminServer({ admins: ['alice'], dpos: ['fg'], tenants: { acme: 'Acme BV' } });
    t = api.t;
  });
  after(async () => {
    await api?.close();
  });

  it('an admin sets and reads them; the DPO reads who, not how to reach them, and cannot set them', async () => {
    const admin = await api.signIn('alice');
    const bad = structuredClone(EXAMPLE);
    bad.contacts[1].phone = '+31 6 12';
    const refused = await admin.write('PUT', '/api/tenants/acme/contacts', bad);
    assert.equal(refused.status, 400);
    assert.match(refused.json().error, /contacts\[1\]\.phone: not a valid phone number/);
    const stored = await admin.write('PUT', '/api/tenants/acme/contacts', EXAMPLE);
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(stored.json(), { tenant: 'acme', contacts: 2 });
    const full = (await admin.send('GET', '/api/tenants/acme/contacts')).json();
    assert.equal(full.contacts.contacts[0].email, 'test1@example.invalid');

    const fg = await api.signIn('fg');
    const seen = await fg.send('GET', '/api/tenants/acme/contacts');
    assert.equal(seen.status, 200);
    assert.equal(seen.json().contacts.contacts[0].name, 'Test Contact 1');
    assert.ok(!seen.text.includes('example.invalid'), 'no e-mail addresses for the DPO');
    assert.ok(!seen.text.includes('+316'), 'no phone numbers for the DPO');
    assert.equal((await fg.write('PUT', '/api/tenants/acme/contacts', EXAMPLE)).status, 403);

    const entries = (await t.app.audit.list()).filter((e) => e.action === 'tenant.contacts.set');
    assert.deepEqual(
      entries.map((e) => [e.result, e.detail]),
      [
        ['failed', {}],
        ['ok', { contacts: 2 }],
      ],
    );
    assert.ok(!JSON.stringify(entries).includes('Test Contact'), 'no names in the audit log');
    await admin.close();
    await fg.close();
  });
});
