import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Enrolment } from '../../src/admin/admin-store.js';
import { createLogger } from '../../src/log/logger.js';
import { type AdminServer, startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { AdminClient, codeAt } from '../server/admin-client.js';

const PASSWORD = 'violet-harbour-lantern-42';
const DPO_PASSWORD = 'quiet-meadow-compass-17';
const EXAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../docs/examples/tenant-contacts.json'), 'utf8'),
);

describe('tenant contacts API', () => {
  let t: TestApp;
  let server: AdminServer;
  let alice: Enrolment;
  let dpo: Enrolment;
  const client = () => new AdminClient(server.url, server.certificate.cert);

  before(async () => {
    t = await createTestApp(
      'sqlite',
      { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32', '::1/128'] } },
      { log: createLogger('silent') },
    );
    alice = await t.app.admins.add('alice', 'admin', PASSWORD);
    dpo = await t.app.admins.add('fg', 'dpo', DPO_PASSWORD);
    await t.app.tenants.add('acme', 'Acme BV');
    server = await startAdminServer({ app: t.app });
  });
  after(async () => {
    await server?.close();
    await t?.close();
  });

  it('an admin sets and reads them; the DPO reads who, not how to reach them, and cannot set them', async () => {
    const admin = client();
    assert.equal((await admin.login('alice', PASSWORD, codeAt(alice.uri, t.clock))).status, 204);
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

    const fg = client();
    assert.equal((await fg.login('fg', DPO_PASSWORD, codeAt(dpo.uri, t.clock))).status, 204);
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
