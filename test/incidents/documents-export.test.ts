import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DocumentSources,
  exportIncidentDocument,
  parseMoment,
} from '../../src/incidents/documents/export-incident-document.js';
import type { Incident } from '../../src/incidents/incident-model.js';
import {
  context,
  controllerDeadline,
  fullIncident,
  NOTICE_AT,
  sparseIncident,
  T0,
} from './fixtures/incident-factory.js';

/** The register, tenants and contacts as the CLI and the API hand them over, here in memory. */
function sources(incidents: Incident[]): DocumentSources {
  const ctx = context();
  return {
    incidents: {
      get: async (id) => {
        const found = incidents.find((i) => i.id === id);
        if (!found) throw Object.assign(new Error(`no incident "${id}"`), { name: 'IncidentNotFoundError' });
        return found;
      },
      list: async () => incidents,
      clocks: async (i) => ({ deadlines: i.id === 'inc-0007' ? [controllerDeadline()] : [] }),
    },
    tenantName: async (id) => `Tenant ${id}`,
    controllerDetails: async (id) => (id === 'testklant-1' ? (ctx.tenant?.controller ?? null) : null),
    processor: ctx.processor,
    now: () => NOTICE_AT,
  };
}

describe('exporting an incident document', () => {
  const two = fullIncident({ id: 'inc-0010', tenants: ['testklant-1', 'testklant-2'] });
  const all = [fullIncident(), sparseIncident(), two];

  it('makes the document for the only affected customer, with type and file name', async () => {
    const out = await exportIncidentDocument(sources(all), {
      doc: 'customer-notice',
      format: 'html',
      lang: 'en',
      id: 'inc-0007',
    });
    assert.equal(out.contentType, 'text/html; charset=utf-8');
    assert.equal(out.fileName, 'incident-inc-0007-testklant-1-customer-notice-en.html');
    assert.equal(out.tenant, 'testklant-1');
    assert.match(String(out.body), /To: Testklant Eén B\.V\./);
    // The register's deadline for this customer is used: 72 hours from our notice.
    assert.match(String(out.body), /your 72 hours end on 31 March 2026 at 14:15 CEST/);
  });

  it('asks which customer when several are affected, and refuses one that is not', async () => {
    const s = sources(all);
    await assert.rejects(
      exportIncidentDocument(s, { doc: 'ap-sheet', format: 'md', lang: 'nl', id: 'inc-0010' }),
      /tenant: incident inc-0010 affects 2 customers; choose one with --tenant \(testklant-1, testklant-2\)/,
    );
    await assert.rejects(
      exportIncidentDocument(s, {
        doc: 'ap-sheet',
        format: 'md',
        lang: 'nl',
        id: 'inc-0007',
        tenant: 'other',
      }),
      /tenant: other is not affected by incident inc-0007/,
    );
    const second = await exportIncidentDocument(s, {
      doc: 'ap-sheet',
      format: 'md',
      lang: 'en',
      id: 'inc-0010',
      tenant: 'testklant-2',
    });
    // No controller details recorded for this one: the sheet asks for them.
    assert.match(
      String(second.body),
      /\| Organisation \(name, address\) \| \*\*⚠ fill in your organisation’s legal name and address\*\* \| missing \|/,
    );
  });

  it('needs an id for an incident document, and a period for the review', async () => {
    await assert.rejects(
      exportIncidentDocument(sources(all), { doc: 'subject-notice', format: 'md', lang: 'nl' }),
      /id: an incident id is needed/,
    );
    await assert.rejects(
      exportIncidentDocument(sources(all), { doc: 'dpo-review', format: 'md', lang: 'nl', from: T0, to: T0 }),
      /from: must be before to/,
    );
  });

  it('the DPO review covers the incidents of the period, as PDF too', async () => {
    const md = await exportIncidentDocument(sources(all), {
      doc: 'dpo-review',
      format: 'md',
      lang: 'en',
      from: Date.UTC(2026, 2, 1),
      to: Date.UTC(2026, 3, 1),
    });
    assert.deepEqual(md.incidentIds, ['inc-0007', 'inc-0008', 'inc-0010']);
    assert.equal(md.fileName, 'incidents-2026-03-01-2026-04-01-dpo-review-en.md');
    const empty = await exportIncidentDocument(sources(all), {
      doc: 'dpo-review',
      format: 'pdf',
      lang: 'nl',
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2025, 1, 1),
    });
    assert.deepEqual(empty.incidentIds, []);
    assert.equal(empty.contentType, 'application/pdf');
    assert.ok(Buffer.isBuffer(empty.body) && empty.body.subarray(0, 5).toString() === '%PDF-');
  });

  it('reads a date as midnight in Amsterdam and a moment only with its offset', () => {
    assert.equal(parseMoment('2026-03-01'), Date.UTC(2026, 1, 28, 23));
    assert.equal(parseMoment('2026-07-01'), Date.UTC(2026, 5, 30, 22));
    assert.equal(parseMoment('2026-03-01T10:00:00+01:00'), Date.UTC(2026, 2, 1, 9));
    assert.equal(parseMoment('2026-03-01T10:00'), null);
    assert.equal(parseMoment('1 March'), null);
  });
});
