import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { terminateTenant } from '../../src/tenants/offboarding.js';
import { parseTenantContacts } from '../../src/tenants/tenant-contacts.js';
import { createTestApp, PG_SKIP_REASON, type TestApp } from '../helpers/stores.js';

const EXAMPLE_FILE = join(import.meta.dirname, '../../docs/examples/tenant-contacts.json');
const example = () => JSON.parse(readFileSync(EXAMPLE_FILE, 'utf8'));

/** The issues of a refused document, as `field: message` lines. */
function issuesOf(input: unknown, maxHours = 24): string[] {
  try {
    parseTenantContacts(input, maxHours);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.issues];
  }
  assert.fail('the document was accepted');
}

describe('tenant contacts: validation', () => {
  it('accepts the documented example, normalises phones to E.164 and sorts by order', () => {
    const input = example();
    input.contacts.reverse();
    const parsed = parseTenantContacts(input, 24);
    assert.deepEqual(
      parsed.contacts.map((c) => [c.order, c.phone]),
      [
        [1, '+31612345678'],
        [2, '+31623456789'],
      ],
    );
    assert.equal(parsed.controller.privacyContact.phone, '+31201234567');
    assert.equal(parsed.notificationHours, 12);
  });

  it('names each bad field', () => {
    const cases: [string, (d: ReturnType<typeof example>) => void, string][] = [
      ['legal name', (d) => (d.controller.legalName = ' '), 'controller.legalName: must not be empty'],
      ['address', (d) => delete d.controller.address, 'controller.address:'],
      ['kvk', (d) => (d.controller.kvk = '1234567'), 'controller.kvk: must be a KvK number of 8 digits'],
      [
        'privacy e-mail',
        (d) => (d.controller.privacyContact.email = 'nope'),
        'controller.privacyContact.email:',
      ],
      [
        'privacy phone',
        (d) => (d.controller.privacyContact.phone = '+31 20'),
        'controller.privacyContact.phone: not a valid phone number',
      ],
      ['phone', (d) => (d.contacts[1].phone = '+31 6 1234'), 'contacts[1].phone: not a valid phone number'],
      [
        'phone without country code',
        (d) => (d.contacts[0].phone = '06 1234 5678'),
        'contacts[0].phone: not a valid phone number',
      ],
      [
        'e-mail',
        (d) => (d.contacts[0].email = 'test1-at-example'),
        'contacts[0].email: must be an e-mail address',
      ],
      ['name', (d) => (d.contacts[0].name = ''), 'contacts[0].name: must not be empty'],
      ['role', (d) => delete d.contacts[1].role, 'contacts[1].role:'],
      ['language', (d) => (d.contacts[0].language = 'de'), 'contacts[0].language: must be "nl" or "en"'],
      ['order', (d) => (d.contacts[1].order = 1), 'contacts[1].order: 1 is used twice'],
      ['order zero', (d) => (d.contacts[0].order = 0), 'contacts[0].order: must be 1 or more'],
      ['unknown field', (d) => (d.contacts[0].mobile = 'x'), 'contacts[0]:'],
      ['no contacts', (d) => (d.contacts = []), 'contacts: must list at least one contact person'],
      ['72 hours', (d) => (d.notificationHours = 72), 'notificationHours: must be less than 72'],
      ['0 hours', (d) => (d.notificationHours = 0), 'notificationHours: must be at least 1'],
      ['above our promise', (d) => (d.notificationHours = 30), 'notificationHours: must be at most 24'],
    ];
    for (const [what, change, expected] of cases) {
      const doc = example();
      change(doc);
      const issues = issuesOf(doc);
      assert.ok(
        issues.some((i) => i.startsWith(expected)),
        `${what}: expected "${expected}" in ${JSON.stringify(issues)}`,
      );
    }
  });

  it('language defaults to nl', () => {
    const doc = example();
    delete doc.contacts[0].language;
    assert.equal(parseTenantContacts(doc, 24).contacts[0]!.language, 'nl');
  });
});

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`tenant contacts: storage (${backend})`, {
    skip: backend === 'postgres' && PG_SKIP_REASON,
  }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(backend, {}, { log: createLogger('silent') });
      await t.app.tenants.add('acme', 'Acme BV');
    });
    after(() => t?.close());

    it('stores them sealed with the tenant key: the raw row holds no name, address or number', async () => {
      await t.app.tenantContacts.set('acme', example());
      const row = await t.app.store.db
        .selectFrom('tenant_contacts')
        .selectAll()
        .where('tenant_id', '=', 'acme')
        .executeTakeFirstOrThrow();
      const raw = Buffer.from(row.contacts).toString('latin1');
      for (const secret of ['Test Contact 1', 'test1@example.invalid', '+31612345678', 'Voorbeeld Zorg'])
        assert.ok(!raw.includes(secret), `${secret} is not readable in the row`);
      const back = await t.app.tenantContacts.get('acme');
      assert.equal(back?.contacts[0]?.name, 'Test Contact 1');
      assert.equal(back?.contacts[1]?.language, 'en');
    });

    it('refuses an invalid document and keeps the stored one', async () => {
      const bad = example();
      bad.contacts[1].phone = '12';
      await assert.rejects(t.app.tenantContacts.set('acme', bad), /contacts\[1\]\.phone/);
      assert.equal((await t.app.tenantContacts.get('acme'))?.contacts.length, 2);
    });

    it('erases them when the tenant is offboarded', async () => {
      await t.app.tenants.add('gone', 'Gone BV');
      await t.app.tenantContacts.set('gone', example());
      await terminateTenant({ ...t.app, clock: t.clock }, 'gone');
      const rows = await t.app.store.db
        .selectFrom('tenant_contacts')
        .select('tenant_id')
        .where('tenant_id', '=', 'gone')
        .execute();
      assert.equal(rows.length, 0, 'the row is deleted');
      assert.equal(await t.app.tenantContacts.get('gone'), null);
      await assert.rejects(t.app.tenantContacts.set('gone', example()), /terminated/);
      assert.ok(await t.app.tenantContacts.get('acme'), 'another tenant keeps its contacts');
    });
  });
}
