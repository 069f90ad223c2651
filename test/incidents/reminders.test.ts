import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { HOUR_MS } from '../../src/incidents/incident-clocks.js';
import { ADMIN, DPO, DPO_EMAIL, registerApp } from './register-fixtures.js';

const AWARE = Date.UTC(2026, 9, 24, 1, 30);

describe('incident reminders', () => {
  it('e-mail the DPO and the operators at 50% and 90% of each open deadline, once each', async () => {
    const clock = new ManualClock(AWARE - HOUR_MS);
    const f = await registerApp('sqlite', {}, clock);
    try {
      const { incidents, incidentReminders } = f.app;
      const { id } = await incidents.report({ title: 'Export left public', tenants: ['acme'] }, ADMIN);
      await incidents.advance(id, 'triage', { reason: 'check' }, ADMIN);
      clock.set(AWARE);
      await incidents.advance(id, 'breach-confirmed', { reason: 'file was downloaded', awareAt: AWARE }, DPO);
      const reminders = () => f.outbox.mails.filter((m) => m.kind === 'reminder');

      clock.set(AWARE + 12 * HOUR_MS - 1);
      assert.deepEqual((await incidentReminders.runDue()).sent, [], 'not before 50%');
      clock.set(AWARE + 12 * HOUR_MS);
      const half = await incidentReminders.runDue();
      assert.deepEqual(
        half.sent.map((s) => [s.deadline, s.tenantId, s.fraction, s.recipients]),
        [['customer-notice', 'acme', 0.5, 2]],
      );
      assert.deepEqual(
        reminders().map((m) => m.to),
        [DPO_EMAIL, 'ops@example.invalid'],
      );
      assert.match(
        reminders()[0]?.subject ?? '',
        /50% of customer-notice \(acme\).*Sun 25 Oct 2026 02:30 \(UTC\+01:00\)/,
      );
      assert.deepEqual((await incidentReminders.runDue()).sent, [], 'sent once');

      clock.set(AWARE + 21.6 * HOUR_MS);
      const ninety = await incidentReminders.runDue();
      assert.deepEqual(
        ninety.sent.map((s) => s.fraction),
        [0.9],
      );
      assert.equal(reminders().length, 4);

      // A restart (a new register on the same store) finds the reminders in the history.
      clock.advance(HOUR_MS);
      assert.deepEqual((await incidentReminders.runDue()).sent, []);
      const history = (await incidents.get(id)).events.filter((e) => e.body.type === 'reminder-sent');
      assert.equal(history.length, 2);
      // Past the deadline nothing is reminded any more: the next step asks for the reason instead.
      clock.set(AWARE + 30 * HOUR_MS);
      assert.deepEqual((await incidentReminders.runDue()).sent, []);
      assert.equal(reminders().length, 4);
    } finally {
      await f.close();
    }
  });

  it('record a due reminder once even when no address is set, and after koppel was down send one mail', async () => {
    const clock = new ManualClock(AWARE);
    const f = await registerApp('sqlite', { notifications: {} }, clock);
    try {
      const { incidents, incidentReminders } = f.app;
      const { id } = await incidents.report(
        { title: 'Staff list mailed out', tenants: [], operatorIsController: true },
        ADMIN,
      );
      await incidents.advance(id, 'triage', { reason: 'check' }, ADMIN);
      await incidents.advance(id, 'breach-confirmed', { reason: 'sent outside', awareAt: AWARE }, DPO);
      clock.set(AWARE + 70 * HOUR_MS);
      const round = await incidentReminders.runDue();
      assert.deepEqual(
        round.sent.map((s) => [s.deadline, s.fraction, s.recipients]),
        [
          ['own-authority', 0.5, 0],
          ['own-authority', 0.9, 0],
        ],
      );
      assert.equal(f.outbox.mails.filter((m) => m.kind === 'reminder').length, 0);
      assert.deepEqual((await incidentReminders.runDue()).sent, []);
      const text = (await incidents.get(id)).timeline.map((t) => t.text).join('\n');
      assert.match(text, /reminder due but not sent \(no address is set\): 90% of the own-authority/);
    } finally {
      await f.close();
    }
  });
});
