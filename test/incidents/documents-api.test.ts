import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/incidents/incident-model.js';
import type { TestApp } from '../helpers/stores.js';
import type { AdminClient } from '../server/admin-client.js';
import { startTestAdminServer, type TestAdminServer } from '../server/test-admin-server.js';

const DPO: Actor = { actor: 'fg', role: 'dpo', address: 'test' };

describe('incident documents (API)', () => {
  let api: TestAdminServer;
  let t: TestApp;
  let fg: AdminClient;
  let one: string;
  let two: string;

  before(async () => {
    api = await startTestAdminServer({
      dpos: ['fg'],
      tenants: { 'testklant-1': 'Testklant Eén', 'testklant-2': 'Testklant Twee' },
      prepare: async (t) => {
        one = (
          await t.app.incidents.report({ title: '<script>x</script> lek', tenants: ['testklant-1'] }, DPO)
        ).id;
        two = (
          await t.app.incidents.report(
            { title: 'Twee klanten', tenants: ['testklant-1', 'testklant-2'] },
            DPO,
          )
        ).id;
      },
    });
    t = api.t;
    fg = await api.signIn('fg');
  });
  after(async () => {
    await api?.close();
  });

  it('serves a document with its content type and a download name', async () => {
    const pdf = await fg.send('GET', `/api/incidents/${one}/documents/customer-notice?format=pdf&lang=en`);
    assert.equal(pdf.status, 200, pdf.text);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(
      pdf.headers['content-disposition'],
      `attachment; filename="incident-${one.toLowerCase()}-testklant-1-customer-notice-en.pdf"`,
    );
    assert.ok(pdf.text.startsWith('%PDF-'));
    const html = await fg.send('GET', `/api/incidents/${one}/documents/ap-sheet`);
    assert.equal(html.status, 200);
    assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(html.text, /Voorbereidingsblad voor het meldformulier datalekken van de AP/);
    assert.ok(!html.text.includes('<script>x'), 'the title is escaped');
    const md = await fg.send(
      'GET',
      `/api/incidents/${two}/documents/subject-notice?format=md&tenant=testklant-2`,
    );
    assert.equal(md.headers['content-type'], 'text/markdown; charset=utf-8');
    assert.match(md.text, /^# Informatie over een datalek met uw persoonsgegevens/);
  });

  it('fills in the controller from its recorded details (koppel tenant contacts)', async () => {
    const example = readFileSync(
      join(import.meta.dirname, '../../docs/examples/tenant-contacts.json'),
      'utf8',
    );
    await t.app.tenantContacts.set('testklant-1', JSON.parse(example));
    const md = await fg.send('GET', `/api/incidents/${one}/documents/ap-sheet?format=md&lang=en`);
    assert.equal(md.status, 200, md.text);
    assert.match(md.text, /\| Chamber of Commerce \(KvK\) number \| 12345678 \| recorded \|/);
    assert.match(md.text, /\| Organisation \(name, address\) \| Voorbeeld Zorg B\.V\., Voorbeeldstraat 1/);
    const other = await fg.send(
      'GET',
      `/api/incidents/${two}/documents/ap-sheet?format=md&lang=en&tenant=testklant-2`,
    );
    assert.match(
      other.text,
      /\| Chamber of Commerce \(KvK\) number \| \*\*⚠ fill in your KvK number\*\* \| missing \|/,
    );
  });

  it('answers 404 for an unknown incident and 400 naming the tenant', async () => {
    const missing = await fg.send('GET', '/api/incidents/INC-1999-0001/documents/customer-notice');
    assert.equal(missing.status, 404);
    assert.match(missing.json().error, /no incident "INC-1999-0001"/);
    const which = await fg.send('GET', `/api/incidents/${two}/documents/customer-notice`);
    assert.equal(which.status, 400);
    assert.match(which.json().error, /^tenant: incident .* affects 2 customers/);
    const doc = await fg.send('GET', `/api/incidents/${one}/documents/contract`);
    assert.equal(doc.status, 404);
    assert.match(doc.json().error, /no document "contract": customer-notice, ap-sheet, subject-notice/);
  });

  it('serves the DPO review of a period, and audits every export', async () => {
    t.clock.advance(60_000); // the period runs up to now, its end not included
    const review = await fg.send(
      'GET',
      '/api/incidents/documents/dpo-review?format=md&lang=en&from=2025-12-01',
    );
    assert.equal(review.status, 200, review.text);
    assert.match(review.text, /^# Breach register review for the data protection officer/);
    assert.match(review.text, new RegExp(`\\| ${one} \\|`));
    const bad = await fg.send('GET', '/api/incidents/documents/dpo-review?from=yesterday');
    assert.equal(bad.status, 400);
    const exports = (await t.app.audit.list()).filter((e) => e.action === 'incident.export');
    assert.ok(exports.length >= 4, `audited ${exports.length} exports`);
    assert.ok(exports.every((e) => e.actor === 'fg' && !JSON.stringify(e.detail).includes('script')));
  });
});
