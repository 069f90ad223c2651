import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { deriveIncident } from '../../src/incidents/derive-incident.js';
import {
  amsterdamIso,
  customerNoticeHours,
  formatAmsterdam,
  HOUR_MS,
  incidentClocks,
} from '../../src/incidents/incident-clocks.js';
import type { IncidentEvent, IncidentEventBody } from '../../src/incidents/incident-model.js';
import { WorkflowError } from '../../src/incidents/workflow.js';
import { ADMIN, DPO, registerApp } from './register-fixtures.js';

const SETTINGS = { processor: { notificationHours: 24 } };

/** Awareness at 01:30 UTC on the Saturday before each DST change of the EU (last Sundays). */
const SPRING_AWARE = Date.UTC(2027, 2, 27, 1, 30); // Sat 27 Mar 2027 02:30 CET
const AUTUMN_AWARE = Date.UTC(2026, 9, 24, 1, 30); // Sat 24 Oct 2026 03:30 CEST

function history(aware: number, extra: Array<[number, IncidentEventBody]> = [], tenants = ['acme']) {
  const bodies: Array<[number, IncidentEventBody]> = [
    [
      aware - HOUR_MS,
      {
        type: 'reported',
        title: 't',
        summary: '',
        tenants,
        detectedAt: aware - 2 * HOUR_MS,
        operatorIsController: true,
        signal: null,
      },
    ],
    [aware - HOUR_MS / 2, { type: 'transitioned', from: 'reported', to: 'triage', reason: 'r' }],
    [aware, { type: 'transitioned', from: 'triage', to: 'breach-confirmed', reason: 'r', awareAt: aware }],
    ...extra,
  ];
  const events: IncidentEvent[] = bodies.map(([at, body], i) => ({
    incidentId: 'INC-1',
    seq: i + 1,
    at,
    actor: DPO,
    body,
  }));
  return deriveIncident('INC-1', events);
}

describe('incident clocks', () => {
  it('count clock hours across the start of summer time (last Sunday of March) and show Amsterdam time', () => {
    const incident = history(SPRING_AWARE);
    const clocks = incidentClocks(incident, SETTINGS, {}, SPRING_AWARE + HOUR_MS);
    const notice = clocks.deadlines.find((d) => d.name === 'customer-notice');
    const own = clocks.deadlines.find((d) => d.name === 'own-authority');
    assert.equal(notice?.due, Date.UTC(2027, 2, 28, 1, 30), 'exactly 24 clock hours');
    assert.equal(own?.due, Date.UTC(2027, 2, 30, 1, 30), 'exactly 72 clock hours');
    assert.equal(notice?.tenantId, 'acme');
    assert.equal(notice?.state, 'open');
    // 24 hours later the wall clock in Amsterdam shows an hour more: 02:30 CET became 03:30 CEST.
    assert.equal(formatAmsterdam(SPRING_AWARE, 'en'), 'Sat 27 Mar 2027 02:30 (UTC+01:00)');
    assert.equal(formatAmsterdam(notice?.due ?? 0, 'en'), 'Sun 28 Mar 2027 03:30 (UTC+02:00)');
    assert.equal(formatAmsterdam(notice?.due ?? 0, 'nl'), 'zo 28 mrt 2027 03:30 (UTC+02:00)');
    assert.equal(amsterdamIso(own?.due ?? 0), '2027-03-30T03:30+02:00');
    assert.equal(clocks.sinceDetectionMs, 3 * HOUR_MS);
  });

  it('count clock hours across the end of summer time (last Sunday of October)', () => {
    const incident = history(AUTUMN_AWARE);
    const clocks = incidentClocks(incident, SETTINGS, {}, AUTUMN_AWARE);
    const notice = clocks.deadlines.find((d) => d.name === 'customer-notice');
    const own = clocks.deadlines.find((d) => d.name === 'own-authority');
    assert.equal(notice?.due, Date.UTC(2026, 9, 25, 1, 30));
    assert.equal(own?.due, Date.UTC(2026, 9, 27, 1, 30));
    // 03:30 CEST on Saturday; 24 hours later it is 02:30 CET: the wall clock went back an hour.
    assert.equal(formatAmsterdam(AUTUMN_AWARE, 'en'), 'Sat 24 Oct 2026 03:30 (UTC+02:00)');
    assert.equal(formatAmsterdam(notice?.due ?? 0, 'en'), 'Sun 25 Oct 2026 02:30 (UTC+01:00)');
    assert.equal(formatAmsterdam(notice?.due ?? 0, 'nl'), 'zo 25 okt 2026 02:30 (UTC+01:00)');
    assert.equal(amsterdamIso(own?.due ?? 0), '2026-10-27T02:30+01:00');
    // The two 02:30s of that night are told apart by their offset.
    assert.equal(formatAmsterdam(Date.UTC(2026, 9, 25, 0, 30), 'en'), 'Sun 25 Oct 2026 02:30 (UTC+02:00)');
  });

  it("count the customer's own 72 hours from when we informed it, and a tenant's lower promise", () => {
    const informed = AUTUMN_AWARE + 5 * HOUR_MS;
    const incident = history(AUTUMN_AWARE, [
      [
        informed - HOUR_MS,
        {
          type: 'notice-attempt',
          tenantId: 'acme',
          contactIndex: 0,
          channel: 'email',
          outcome: 'failed',
          detail: 'smtp 451',
        },
      ],
      [
        informed,
        {
          type: 'notice-attempt',
          tenantId: 'acme',
          contactIndex: 0,
          channel: 'email',
          outcome: 'sent',
          detail: '',
        },
      ],
    ]);
    const clocks = incidentClocks(incident, SETTINGS, { acme: 12 }, informed + HOUR_MS);
    const notice = clocks.deadlines.find((d) => d.name === 'customer-notice');
    assert.equal(notice?.due, AUTUMN_AWARE + 12 * HOUR_MS, "the tenant's own 12 hours");
    assert.equal(notice?.state, 'met', 'informed within them');
    const theirs = clocks.deadlines.find((d) => d.name === 'controller-authority');
    assert.equal(theirs?.from, informed, 'from the first notice that was sent, not the failed one');
    assert.equal(theirs?.due, informed + 72 * HOUR_MS);
    assert.equal(theirs?.state, 'open');
    assert.equal(customerNoticeHours(SETTINGS, 30), 24, 'a tenant cannot raise our promise');
    const late = incidentClocks(incident, SETTINGS, {}, informed + 73 * HOUR_MS);
    assert.equal(late.deadlines.find((d) => d.name === 'controller-authority')?.state, 'missed');
    const before = incidentClocks(history(AUTUMN_AWARE), SETTINGS, {}, AUTUMN_AWARE + HOUR_MS);
    assert.equal(
      before.deadlines.filter((d) => d.name === 'controller-authority').length,
      0,
      'not informed yet',
    );
  });

  it('past a deadline the next step needs a reason for the delay, once per missed deadline', async () => {
    const clock = new ManualClock(SPRING_AWARE - HOUR_MS);
    const f = await registerApp('sqlite', {}, clock);
    try {
      const { incidents } = f.app;
      const { id } = await incidents.report({ title: 'Backup copy exposed', tenants: ['acme'] }, ADMIN);
      await incidents.advance(id, 'triage', { reason: 'check' }, ADMIN);
      clock.set(SPRING_AWARE);
      await incidents.advance(
        id,
        'breach-confirmed',
        { reason: 'copy was read', awareAt: SPRING_AWARE },
        DPO,
      );
      clock.set(SPRING_AWARE + 24 * HOUR_MS);
      const onTime = await incidents.advance(id, 'assessment', { reason: 'on the hour' }, DPO);
      assert.equal(onTime.delayReasons.length, 0, 'at exactly 24 hours the deadline is not yet past');
      clock.advance(60_000);
      const error = await incidents.advance(id, 'informing-customers', { reason: 'now' }, DPO).then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof WorkflowError);
      assert.equal(error.code, 'delay-reason-required');
      assert.match(error.message, /customer-notice for acme/);
      assert.match(error.message, /2027-03-28T01:30:00.000Z/);
      const late = await incidents.advance(
        id,
        'informing-customers',
        { reason: 'now', delayReason: 'the contact list was out of date' },
        DPO,
      );
      assert.deepEqual(late.delayReasons, ['the contact list was out of date']);
      const step = late.events.at(-1)?.body;
      assert.ok(step?.type === 'transitioned');
      assert.deepEqual(step.delayFor, ['customer-notice:acme']);
      // Explained once: the next step does not ask again for the same deadline.
      const next = await incidents.advance(id, 'customers-informed', { reason: 'all told' }, DPO);
      assert.equal(next.state, 'customers-informed');
    } finally {
      await f.close();
    }
  });
});
