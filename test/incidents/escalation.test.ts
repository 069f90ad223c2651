import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { amsterdamTime } from '../../src/incidents/customer-notice-mail.js';
import { Escalation } from '../../src/incidents/escalation.js';
import { incidentFactsSchema } from '../../src/incidents/facts-schema.js';
import type { Actor } from '../../src/incidents/incident-model.js';
import { createLogger } from '../../src/log/logger.js';
import { runNotificationRound } from '../../src/notifications/outbox-delivery.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import {
  ackCodeIn,
  type ReceivedMail,
  type SmtpTestServer,
  startSmtpTestServer,
} from '../notifications/smtp-test-server.js';
import { FakeRegister } from './escalation-fake-register.js';

const MINUTE = 60_000;
const OPERATOR: Actor = { actor: 'alice', role: 'admin', address: '127.0.0.1' };
const EXAMPLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../docs/examples/tenant-contacts.json'), 'utf8'),
);
const FACTS = incidentFactsSchema.parse({
  confidentiality: 'unknown-recipients',
  integrity: 'none',
  availability: 'none',
  cause: 'accidental',
  data: ['name', 'contact'],
  people: { min: 100, max: 250, categories: ['newsletter subscribers'] },
  identifiability: 'maximum',
  protection: { state: 'none' },
  recipient: { kind: 'unknown' },
  exfiltration: 'possible',
});

describe('escalation end to end through a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let register: FakeRegister;
  let escalation: Escalation;
  const round = () => runNotificationRound({ outbox: t.app.mailOutbox, escalation, log: () => t.app.log });
  const mailsTo = (address: string): ReceivedMail[] => smtp.received.filter((m) => m.to.includes(address));

  before(async () => {
    smtp = await startSmtpTestServer(mkdtempSync(join(tmpdir(), 'koppel-esc-')));
    t = await createTestApp(
      'sqlite',
      {
        notifications: {
          smtp: { url: smtp.url, caFile: smtp.caFile },
          from: 'koppel <noreply@example.invalid>',
          operatorEmails: ['ops@example.invalid'],
        },
        processor: { name: 'Test Verwerker B.V.', dpo: { name: 'Test DPO', email: 'dpo@example.invalid' } },
        incidents: { acknowledgeMinutes: 60 },
      },
      { log: createLogger('silent') },
    );
    for (const id of ['acme', 'bare']) await t.app.tenants.add(id, `${id} BV`);
    await t.app.tenantContacts.set('acme', EXAMPLE);
    register = new FakeRegister(t.clock);
    escalation = new Escalation({
      register,
      contacts: t.app.tenantContacts,
      outbox: t.app.outbox,
      clock: t.clock,
      random: t.app.random,
      config: t.app.config,
      securityEvents: t.app.securityEvents,
      log: () => t.app.log,
    });
  });
  after(async () => {
    await t?.close();
    await smtp?.close();
  });

  /** A real incident of the register, confirmed and assessed, with facts and a measure taken. */
  async function incidentInAssessment(tenants: string[]): Promise<string> {
    const { incidents } = t.app;
    const { id } = await incidents.report(
      { title: 'Test incident: export file on a public share', summary: 'A synthetic incident.', tenants },
      OPERATOR,
    );
    await incidents.advance(id, 'triage', { reason: 'looking into it' }, OPERATOR);
    await incidents.advance(
      id,
      'breach-confirmed',
      { reason: 'confirmed', awareAt: t.clock.now() },
      OPERATOR,
    );
    await incidents.append(id, { type: 'facts-recorded', facts: FACTS }, OPERATOR);
    await incidents.append(id, { type: 'measure', kind: 'taken', text: 'the share was closed' }, OPERATOR);
    await incidents.advance(id, 'assessment', { reason: 'assessing the risk' }, OPERATOR);
    return id;
  }

  it('mails the primary contact, escalates at the right time, stops on the code, follows up', async () => {
    const escalation = t.app.escalation;
    const register = t.app.incidents;
    const round = () => runNotificationRound({ outbox: t.app.mailOutbox, escalation, log: () => t.app.log });
    const id = await incidentInAssessment(['acme', 'bare']);
    await round();
    const dpoBefore = mailsTo('dpo@example.invalid').length;
    const result = await escalation.notify(id, OPERATOR);
    assert.equal(result.state, 'informing-customers', 'moved from assessment');
    const [acme, bare] = result.tenants;
    assert.equal(acme?.status, 'notified');
    assert.equal(acme?.status === 'notified' && acme.contact, 1);
    assert.equal(bare?.status, 'no-contacts', 'a tenant without contacts says so; the others still go');
    const sentAt = t.clock.now();

    await round();
    const first = mailsTo('test1@example.invalid');
    assert.equal(first.length, 1, 'the primary contact is mailed');
    assert.equal(first[0]!.secure, true);
    const notice = first[0]!.raw;
    for (const part of [
      'Beste Test Contact 1',
      'Voorbeeld Zorg B.V.',
      'Wat is er gebeurd',
      'Test incident: export file on a public share',
      'name, contact',
      'tussen 100 en 250',
      'the share was closed',
      'Wat nog onbekend is',
      'of gegevens zijn meegenomen',
      'Test DPO',
      'dpo@example.invalid',
      amsterdamTime(sentAt + 72 * 60 * MINUTE, 'nl'),
    ])
      assert.ok(notice.includes(part), `the notice says "${part}"`);
    assert.equal(
      mailsTo('dpo@example.invalid').length,
      dpoBefore + 1,
      'the DPO is alerted about the tenant without contacts',
    );
    assert.equal(mailsTo('ops@example.invalid').length, 1);

    const tasks = await escalation.calls(id);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]!.phone, '+31612345678');
    assert.equal(tasks[0]!.outcome, 'open');
    assert.match(tasks[0]!.script ?? '', /Goedendag.*Voorbeeld Zorg B\.V\./s);

    // Not before the wait is over.
    t.clock.advance(59 * MINUTE);
    await round();
    assert.equal(mailsTo('test2@example.invalid').length, 0, 'contact 2 is not mailed before 60 minutes');
    t.clock.advance(MINUTE);
    const escalated = await round();
    assert.deepEqual(
      escalated.escalation.filter((a) => a.tenantId === 'acme').map((a) => a.action),
      ['next-contact'],
    );
    const second = mailsTo('test2@example.invalid');
    assert.equal(second.length, 1, 'contact 2 is mailed at 60 minutes');
    assert.match(second[0]!.raw, /Dear Test Contact 2/, "in the contact's language");
    assert.equal((await escalation.calls(id)).length, 2, 'a phone task for contact 2 too');

    // A wrong code is refused and recorded as a security event.
    await assert.rejects(escalation.acknowledge(id, 'acme', 'AAAA-AAAA-AA', OPERATOR), /does not match/);
    const events = await t.app.store.db
      .selectFrom('security_events')
      .selectAll()
      .where('kind', '=', 'incident.ack-code-refused')
      .execute();
    assert.equal(events.length, 1);

    const ack = await escalation.acknowledge(id, 'acme', ackCodeIn(second[0]!), OPERATOR);
    assert.deepEqual(ack, { status: 'acknowledged', tenantId: 'acme', contact: 2, customersInformed: false });
    const before = smtp.received.length;
    t.clock.advance(120 * MINUTE);
    await round();
    assert.equal(
      smtp.received.filter((m, i) => i >= before && m.to.some((a) => a.startsWith('test'))).length,
      0,
      'the acknowledgement stopped the escalation of acme',
    );

    // The tenant without contacts gets them; the running koppel starts, and a reached call acknowledges.
    await t.app.tenantContacts.set('bare', { ...EXAMPLE, contacts: [{ ...EXAMPLE.contacts[1], order: 1 }] });
    const started = await round();
    assert.ok(started.escalation.some((a) => a.tenantId === 'bare' && a.action === 'started'));
    const call = await escalation.recordCall(id, 'bare', 1, 'reached', 'confirmed receipt', OPERATOR);
    assert.equal(call.acknowledged, true);
    assert.equal(call.customersInformed, true, 'every tenant acknowledged: customers-informed');
    assert.equal((await register.get(id)).state, 'customers-informed');

    // A follow-up numbered 1 goes to the acknowledging contact; a refused delivery is retried and shown.
    smtp.refuse = true;
    const followUps = await escalation.followUp(id, 'The cause was found: a misconfigured share.', OPERATOR);
    assert.deepEqual(
      followUps.map((f) => [f.tenantId, f.status, f.number, f.contact]),
      [
        ['acme', 'sent', 1, 2],
        ['bare', 'sent', 1, 1],
      ],
    );
    const refused = await round();
    assert.ok(refused.delivery.outcomes.every((o) => o.outcome === 'retrying'));
    const pending = await t.app.mailOutbox.list({ state: 'pending', incidentId: id });
    assert.equal(pending.length, 2);
    assert.ok(
      pending.every((m) => m.attempts === 1 && /550/.test(m.lastError ?? '')),
      'shown with the error',
    );
    smtp.refuse = false;
    t.clock.advance(MINUTE);
    await round();
    const update = mailsTo('test2@example.invalid').at(-1)!;
    assert.match(update.raw, /Update 1 on the personal data breach/);
    assert.match(update.raw, /The cause was found/);
    const history = (await register.get(id)).events.map((e) => e.body);
    assert.ok(history.some((b) => b.type === 'follow-up-sent' && b.tenantId === 'acme' && b.number === 1));
    assert.ok(
      history.some((b) => b.type === 'notice-attempt' && b.channel === 'email' && b.outcome === 'sent'),
      'delivery outcomes are recorded in the incident',
    );
    assert.ok(!JSON.stringify(history).includes('example.invalid'), 'no address in the incident history');
    assert.ok(!JSON.stringify(history).includes('Test Contact'), 'no contact name in the incident history');
  });

  it('after every contact was tried, alerts the DPO and starts again with the first', async () => {
    await t.app.tenants.add('solo', 'Solo BV');
    await t.app.tenantContacts.set('solo', {
      ...EXAMPLE,
      contacts: [{ ...EXAMPLE.contacts[0], email: 'test3@example.invalid' }],
    });
    register.create('inc-2', ['solo'], null, 'informing-customers');
    await escalation.notify('inc-2', OPERATOR);
    await round();
    assert.equal(mailsTo('test3@example.invalid').length, 1);
    const dpoBefore = mailsTo('dpo@example.invalid').length;
    t.clock.advance(60 * MINUTE);
    const r = await round();
    assert.deepEqual(
      r.escalation.filter((a) => a.incidentId === 'inc-2').map((a) => a.action),
      ['alerted'],
    );
    assert.equal(mailsTo('test3@example.invalid').length, 2, 'the first contact again (round 2)');
    assert.equal(mailsTo('dpo@example.invalid').length, dpoBefore + 1, 'the DPO is alerted');
    const progress = await escalation.progress('inc-2');
    assert.deepEqual(
      progress[0]!.emails.map((e) => e.round),
      [1, 2],
    );
    assert.match(mailsTo('test3@example.invalid')[0]!.raw, /koppel incidents calls|Bevestigingscode/);
  });

  it('records why the register refused customers-informed', async () => {
    await t.app.tenants.add('late', 'Late BV');
    await t.app.tenantContacts.set('late', EXAMPLE);
    register.create('inc-3', ['late'], FACTS, 'informing-customers');
    await escalation.notify('inc-3', OPERATOR);
    await round();
    const mail = mailsTo('test1@example.invalid').at(-1)!;
    register.refuseAdvance = 'a reason for the delay is required (the deadline passed)';
    const ack = await escalation.acknowledge('inc-3', 'late', ackCodeIn(mail), OPERATOR);
    register.refuseAdvance = null;
    assert.equal(ack.status === 'acknowledged' && ack.customersInformed, false);
    const notes = (await register.get('inc-3')).events.filter((e) => e.body.type === 'note');
    assert.match(JSON.stringify(notes), /could not move to customers-informed: a reason for the delay/);
  });
});
