import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deadlineColour, worstColour } from '../../src/incidents/deadline-colour.js';
import type { Actor } from '../../src/incidents/incident-model.js';
import type { AdminClient } from './admin-client.js';
import { startTestAdminServer, type TestAdminServer } from './test-admin-server.js';

const HOUR = 3_600_000;
const ADMIN: Actor = { actor: 'alice', role: 'admin', address: '127.0.0.1' };
const CONTACTS = {
  controller: {
    legalName: 'Acme Test BV',
    address: 'Teststraat 1, 1234 AB Teststad',
    kvk: '12345678',
    privacyContact: {
      name: 'Test Privacy Persona',
      email: 'privacy.persona@example.invalid',
      phone: '+31 20 765 4321',
    },
  },
  contacts: [
    {
      name: 'Test Contact Persona',
      role: 'IT manager',
      email: 'persona.one@example.invalid',
      phone: '+31 6 1234 5678',
      language: 'nl',
      order: 1,
    },
  ],
};

describe('deadline colours', () => {
  const d = { from: 0, due: 10 * HOUR, state: 'open' as const };
  it('turns at the reminder fractions, overdue past the due time, met when done in time', () => {
    assert.equal(deadlineColour(d, 4.9 * HOUR), 'green');
    assert.equal(deadlineColour(d, 5 * HOUR), 'amber');
    assert.equal(deadlineColour(d, 9 * HOUR), 'red');
    assert.equal(deadlineColour(d, 10 * HOUR), 'overdue');
    assert.equal(deadlineColour({ ...d, state: 'missed' }, 11 * HOUR), 'overdue');
    assert.equal(deadlineColour({ ...d, state: 'met' }, 11 * HOUR), 'met');
    assert.equal(deadlineColour(d, 3 * HOUR, [0.25, 0.75]), 'amber', 'the configured fractions');
    assert.equal(worstColour(['met', 'amber', 'green']), 'amber');
    assert.equal(worstColour([]), null);
  });
});

describe('admin API for the console: register PDF, incident board and progress, audit pages', () => {
  let s: TestAdminServer;
  let admin: AdminClient;
  let dpo: AdminClient;
  let id: string;
  before(async () => {
    s = await startTestAdminServer({
      admins: ['alice'],
      dpos: ['dora'],
      tenants: { acme: 'Acme BV', globex: 'Globex BV' },
      prepare: async (t) => {
        await t.app.tenantContacts.set('acme', CONTACTS);
      },
    });
    admin = await s.signIn('alice');
    s.t.clock.advance(30_000);
    dpo = await s.signIn('dora');
    const { incidents } = s.t.app;
    ({ id } = await incidents.report({ title: 'Board test', tenants: ['acme', 'globex'] }, ADMIN));
    await incidents.advance(id, 'triage', { reason: 'looking' }, ADMIN);
    await incidents.advance(id, 'breach-confirmed', { reason: 'yes', awareAt: s.t.clock.now() }, ADMIN);
  });
  after(async () => s?.close());

  it('gives the register as PDF to the DPO, audited', async () => {
    const reply = await dpo.send('GET', '/api/register/pdf?lang=en&document=statement');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/pdf');
    assert.match(String(reply.headers['content-disposition']), /koppel-statement-en\.pdf/);
    assert.ok(reply.text.startsWith('%PDF-'), 'a PDF');
    const audit = await s.t.app.audit.list();
    assert.ok(audit.some((e) => e.action === 'register.export' && e.detail.format === 'pdf'));
  });

  it('colours each deadline of the board by the time used', async () => {
    // Sessions end after 30 idle minutes: sign in again after each move of the clock.
    const board = async (at: string) => {
      s.t.clock.advance(30_000); // a new TOTP step: the same code twice is a replay
      admin = await s.signIn('alice');
      return (await admin.send('GET', `/api/incidents/board?lang=en${at}`)).json();
    };
    let incident = (await board('')).incidents.find((i: { id: string }) => i.id === id);
    assert.deepEqual(
      incident.deadlines.map((d: { name: string; tenantId: string; colour: string }) => [
        d.name,
        d.tenantId,
        d.colour,
      ]),
      [
        ['customer-notice', 'acme', 'green'],
        ['customer-notice', 'globex', 'green'],
      ],
    );
    s.t.clock.advance(13 * HOUR); // 13 of 24 hours
    incident = (await board('')).incidents.find((i: { id: string }) => i.id === id);
    assert.equal(incident.colour, 'amber');
    s.t.clock.advance(9 * HOUR); // 22 of 24
    incident = (await board('&open=true')).incidents.find((i: { id: string }) => i.id === id);
    assert.equal(incident.colour, 'red');
    assert.match(incident.deadlines[0].dueDisplay, /\(UTC\+01:00\)$/);
    s.t.clock.advance(3 * HOUR);
    incident = (await board('')).incidents.find((i: { id: string }) => i.id === id);
    assert.equal(incident.colour, 'overdue');
    const one = await admin.send('GET', `/api/incidents/${id}/clocks?lang=nl`);
    assert.equal(one.json().colour, 'overdue');
    assert.match(one.json().deadlines[0].dueDisplay, /^vr 2 jan 2026/);
    assert.equal((await admin.send('GET', '/api/incidents/nope/clocks')).status, 404);
  });

  it('shows per customer where informing stands, and phone tasks without name or number to the DPO', async () => {
    const { app } = s.t;
    await app.incidents.advance(
      id,
      'assessment',
      { reason: 'assessing', delayReason: 'test: late on purpose' },
      ADMIN,
    );
    await app.escalation.notify(id, ADMIN);
    s.t.clock.advance(30_000);
    dpo = await s.signIn('dora');
    const progress = (await dpo.send('GET', `/api/incidents/${id}/progress`)).json();
    assert.deepEqual(
      progress.tenants.map((t: { tenantId: string; status: string; lastContact: number | null }) => [
        t.tenantId,
        t.status,
        t.lastContact,
      ]),
      [
        ['acme', 'waiting', 1],
        ['globex', 'no-contacts', null],
      ],
    );
    assert.equal((await dpo.send('GET', '/api/incidents/nope/progress')).status, 404);

    const adminCalls = (await admin.send('GET', `/api/incidents/${id}/calls`)).json();
    assert.equal(adminCalls.tasks[0].phone, '+31612345678');
    const dpoCalls = await dpo.send('GET', `/api/incidents/${id}/calls`);
    assert.equal(dpoCalls.json().tasks[0].phone, null);
    assert.equal(dpoCalls.json().tasks[0].role, 'IT manager');
    assert.doesNotMatch(dpoCalls.text, /Persona|persona\.one|1234/);
    const recorded = await dpo.write('POST', `/api/incidents/${id}/calls`, {
      tenant: 'acme',
      contact: 1,
      outcome: 'voicemail',
    });
    assert.equal(recorded.status, 200, recorded.text);
    assert.equal(recorded.json().task.outcome, 'voicemail');
    assert.doesNotMatch(recorded.text, /Persona|\+316/);
  });

  it('pages the audit log newest first', async () => {
    const total = (await s.t.app.audit.extent()).count;
    const first = (await dpo.send('GET', '/api/audit/page?limit=2')).json();
    assert.equal(first.total, total);
    assert.equal(first.entries.length, 2);
    assert.ok(first.entries[0].seq > first.entries[1].seq);
    const second = (await dpo.send('GET', `/api/audit/page?limit=2&before=${first.next}`)).json();
    assert.ok(second.entries[0].seq < first.entries[1].seq);
    const last = (await dpo.send('GET', `/api/audit/page?limit=500`)).json();
    assert.equal(last.next, null);
    assert.equal(last.entries.at(-1).seq, 1);
  });
});
