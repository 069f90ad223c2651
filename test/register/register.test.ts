import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildRegister } from '../../src/register/build-register.js';
import { exportRegister } from '../../src/register/export-register.js';
import type { ProcessingRegister } from '../../src/register/register-model.js';
import { en } from '../../src/register/texts-en.js';
import { nl } from '../../src/register/texts-nl.js';
import { categoriesInUse, defaultSyncDefinition } from '../../src/sync/mapping/index.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';

/** A narrow definition: e-mail and job title to Mail+, one permission; nothing else. */
const NARROW = {
  scope: { kind: 'boolean-column', column: 'new_newsletter' },
  fields: [
    { dataverse: 'emailaddress1', mailplus: 'email', direction: 'to-mailplus', category: 'email' },
    { dataverse: 'jobtitle', mailplus: 'jobTitle', direction: 'to-mailplus', category: 'jobtitle' },
    { dataverse: 'new_segment', mailplus: 'segment', direction: 'to-mailplus', category: 'interests' },
  ],
  permissions: [],
};

const FULL_PROCESSOR = {
  name: 'Voorbeeld Integraties B.V.',
  address: 'Keizersgracht 1, 1015 AA Amsterdam',
  email: 'privacy@voorbeeld.example',
  phone: '+31 20 123 4567',
  dpo: { name: 'D. de Vries', email: 'fg@voorbeeld.example' },
  breachContacts: [
    { name: 'J. Jansen', role: 'security officer', email: 'jj@voorbeeld.example', phone: '+31 6 1234 5678' },
  ],
  subProcessors: [
    {
      name: 'HostCo',
      service: 'hosting of the koppel server',
      location: 'Amsterdam, Netherlands',
      country: 'NL',
    },
    {
      name: 'Microsoft',
      service: 'Dataverse (the controller’s CRM)',
      location: 'EU data boundary',
      country: 'IE',
      engagedBy: 'controller',
    },
    {
      name: 'MailRelay Inc.',
      service: 'alerting e-mail',
      location: 'Virginia, USA',
      country: 'US',
      transferSafeguard: 'EU-US Data Privacy Framework',
    },
  ],
  hostingLocation: 'HostCo, Amsterdam',
  hostingCountry: 'NL',
  statementDate: '2026-01-01',
  certifications: [],
  notificationHours: 12,
};

async function twoTenants(overrides: Record<string, unknown> = {}): Promise<TestApp> {
  const t = await createTestApp('sqlite', overrides);
  await t.app.tenants.add('acme', 'Acme BV');
  await t.app.tenants.add('globex', '<script>alert("x")</script> & Co');
  await t.app.definitions.save('acme', NARROW);
  return t;
}

describe('processing register', () => {
  let t: TestApp;
  let register: ProcessingRegister;
  before(async () => {
    t = await twoTenants();
    await t.app.keys.current('acme'); // data keys are made on first use; globex has none yet
    register = await buildRegister(t.app);
  });
  after(() => t.close());

  it('lists each controller with exactly the categories its definition carries, and their union', () => {
    const acme = register.controllers.find((c) => c.id === 'acme')!;
    const globex = register.controllers.find((c) => c.id === 'globex')!;
    assert.deepEqual(acme.categories, ['email', 'jobtitle', 'interests']);
    assert.equal(acme.definition, 'stored');
    assert.deepEqual(acme.scope, { kind: 'boolean-column', detail: 'new_newsletter' });
    assert.deepEqual(acme.activities, [
      'read-dataverse',
      'write-mailplus',
      'queue',
      'change-detection',
      'lifecycle',
    ]);
    const defaults = categoriesInUse(defaultSyncDefinition());
    assert.deepEqual(globex.categories, defaults);
    assert.equal(globex.definition, 'default');
    const union = new Set([...acme.categories, ...globex.categories]);
    assert.deepEqual(new Set(register.dataCategories), union);
    assert.ok(register.dataCategories.includes('interests'), 'only acme maps interests');
  });

  it('--tenant narrows the register to one controller and its categories', async () => {
    const one = await buildRegister(t.app, { tenantId: 'acme' });
    assert.deepEqual(
      one.controllers.map((c) => c.id),
      ['acme'],
    );
    assert.deepEqual(one.dataCategories, ['email', 'jobtitle', 'interests']);
    await assert.rejects(buildRegister(t.app, { tenantId: 'nope' }), /no tenant "nope"/);
  });

  it('leaves terminated tenants out', async () => {
    const x = await twoTenants();
    try {
      await x.app.tenants.setStatus('globex', 'terminated');
      const r = await buildRegister(x.app);
      assert.deepEqual(
        r.controllers.map((c) => c.id),
        ['acme'],
      );
      assert.deepEqual(r.dataCategories, ['email', 'jobtitle', 'interests']);
    } finally {
      await x.close();
    }
  });

  it('reports every missing processor field as missing, in both languages, instead of inventing it', () => {
    assert.deepEqual(register.missing, [
      'processor.name',
      'processor.address',
      'processor.email',
      'processor.phone',
      'processor.dpo.name',
      'processor.dpo.email',
      'processor.subProcessors',
      'processor.hostingLocation',
      'processor.hostingCountry',
      'processor.breachContacts',
    ]);
    const md = exportRegister(register, { format: 'md', lang: 'en' });
    assert.match(md, /not configured: set processor\.name in the configuration/);
    assert.match(md, /not configured: set processor\.breachContacts in the configuration/);
    const nlMd = exportRegister(register, { format: 'md', lang: 'nl' });
    assert.match(
      nlMd,
      /niet ingesteld: vul processor\.dpo\.name, processor\.dpo\.email in de configuratie in/,
    );
    const json = JSON.parse(exportRegister(register, { format: 'json', lang: 'en' }));
    assert.equal(json.processor.name, null);
    assert.deepEqual(json.missing, register.missing);
  });

  it('states a complete processor section with its transfers, and misses nothing', async () => {
    const x = await twoTenants({ processor: FULL_PROCESSOR });
    try {
      const r = await buildRegister(x.app);
      assert.deepEqual(r.missing, []);
      assert.deepEqual(r.transfers, [
        { recipient: 'MailRelay Inc.', country: 'US', safeguard: 'EU-US Data Privacy Framework' },
      ]);
      assert.equal(r.breach.notificationHours, 12);
      const md = exportRegister(r, { format: 'md', lang: 'en' });
      assert.doesNotMatch(md, /not configured/);
      assert.match(md, /Nothing is missing\./);
      assert.match(md, /at the latest within 12 hours/);
      assert.match(md, /\| Microsoft \| .* \| the controller itself \(not a sub-processor\) \|/);
      assert.match(md, /Voorbeeld Integraties B\.V\./);
      const nlMd = exportRegister(r, { format: 'md', lang: 'nl' });
      assert.match(nlMd, /uiterlijk binnen 12 uur/);
      assert.match(nlMd, /Dit statement geldt vanaf 2026-01-01\./);
    } finally {
      await x.close();
    }
  });

  it('follows the retention settings: a shorter dead-letter period changes the text and the hash', async () => {
    const x = await twoTenants({
      queue: { deadLetterRetentionDays: 7 },
      log: { retentionDays: 10 },
      server: { auditRetentionDays: 400 },
    });
    try {
      const r = await buildRegister(x.app);
      assert.equal(r.retention.deadLetterDays, 7);
      const md = exportRegister(r, { format: 'md', lang: 'en' });
      assert.match(md, /\(dead letters\): kept 7 days for diagnosis/);
      assert.match(md, /Application log files: deleted after 10 days\./);
      assert.match(md, /Audit log of administrative actions .*: kept 400 days, hash-chained/);
      assert.doesNotMatch(md, /kept 14 days/);
      assert.match(exportRegister(r, { format: 'md', lang: 'nl' }), /\(dead letters\): 7 dagen bewaard/);
      assert.notEqual(r.configHash, register.configHash);
      assert.match(exportRegister(register, { format: 'md', lang: 'en' }), /kept 14 days for diagnosis/);
    } finally {
      await x.close();
    }
  });

  it('gives the same configHash for the same configuration, whenever it is generated', async () => {
    const again = await buildRegister(t.app, { now: new Date('2030-01-01T00:00:00Z') });
    assert.equal(again.configHash, register.configHash);
    assert.match(again.configHash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(again.generatedAt, '2030-01-01T00:00:00.000Z');
    await t.app.definitions.save('globex', NARROW);
    const changed = await buildRegister(t.app);
    assert.notEqual(changed.configHash, register.configHash);
    await t.app.store.db.deleteFrom('sync_definitions').where('tenant_id', '=', 'globex').execute();
  });

  it('states the security measures the code takes, the admin access included', () => {
    const byId = new Map(register.security.map((m) => [m.id, m]));
    assert.equal(byId.get('encryption-at-rest')?.facts.algorithm, 'AES-256-GCM');
    assert.equal(byId.get('master-key')?.facts.source, 'env');
    assert.equal(byId.get('tls-store')?.facts.mode, 'local-file');
    assert.equal(byId.get('admin-access')?.status, 'in-place');
    assert.equal(byId.get('admin-access')?.facts.maxAdmins, 2);
    assert.equal(byId.get('tenant-keys')?.facts.tenants, 1);
    const md = exportRegister(register, { format: 'md', lang: 'en' });
    assert.match(md, /encrypted with AES-256-GCM/);
    assert.match(md, /The master key comes from an environment variable/);
  });

  it('escapes a tenant name in HTML and keeps the page self-contained', () => {
    const html = exportRegister(register, { format: 'html', lang: 'en' });
    assert.ok(!html.includes('<script'), 'no script element, from the tenant name or anywhere else');
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; Co/);
    assert.doesNotMatch(html, /(src|href)=/i, 'no external resources');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /@media print/);
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    const md = exportRegister(register, { format: 'md', lang: 'en' });
    assert.match(md, /### \\<script\\>alert\("x"\)\\<\/script\\> & Co/);
  });

  it('renders both documents unless asked for one', () => {
    const both = exportRegister(register, { format: 'md', lang: 'nl' });
    assert.match(both, /^# Register van verwerkingsactiviteiten \(art\. 30 lid 2 AVG\)/);
    assert.match(both, /^# Data Pro Statement$/m);
    assert.match(both, /## 11\. Datalekprotocol/);
    const statement = exportRegister(register, { format: 'md', lang: 'en', document: 'statement' });
    assert.doesNotMatch(statement, /Record of processing activities/);
    assert.match(statement, /## 7\. Sub-processors/);
  });
});

describe('register texts', () => {
  /** Every key path of a texts module, with the kind of value (and a function's arity) at its end. */
  function shape(value: unknown, path = ''): string[] {
    if (typeof value === 'function') return [`${path}: function/${value.length}`];
    if (Array.isArray(value)) return [`${path}: array/${value.length}`];
    if (value && typeof value === 'object') {
      return Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flatMap(([k, v]) => shape(v, path ? `${path}.${k}` : k));
    }
    return [`${path}: ${typeof value}`];
  }

  it('Dutch and English have exactly the same keys', () => {
    assert.deepEqual(shape(nl), shape(en));
  });

  it('no text is empty and no Dutch text is left in English', () => {
    const strings = (v: unknown): string[] =>
      typeof v === 'string'
        ? [v]
        : Array.isArray(v)
          ? v.flatMap(strings)
          : v && typeof v === 'object'
            ? Object.values(v).flatMap(strings)
            : [];
    for (const text of [...strings(nl), ...strings(en)]) assert.ok(text.trim().length > 0);
    const same = strings(nl).filter((s, i) => s === strings(en)[i] && s.length > 20);
    assert.deepEqual(same, []);
  });
});
