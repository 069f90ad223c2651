import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Incident, IncidentState } from '../../src/incidents/incident-model.js';
import { IncidentInputError, IncidentNotFoundError } from '../../src/incidents/incident-register.js';
import { TRANSITIONS, WorkflowError } from '../../src/incidents/workflow.js';
import { PG_SKIP_REASON } from '../helpers/stores.js';
import { ADMIN, CLI, DPO, DPO_EMAIL, type RegisterFixture, registerApp } from './register-fixtures.js';

const HOUR = 3_600_000;

/** The straight path through the workflow, with an actor allowed to take each step. */
const PATH: IncidentState[] = [
  'reported',
  'triage',
  'breach-confirmed',
  'assessment',
  'informing-customers',
  'customers-informed',
  'follow-up',
  'closed',
];

async function refused(
  promise: Promise<unknown>,
  code: string,
  ...phrases: string[]
): Promise<WorkflowError> {
  const error = await promise.then(
    () => assert.fail(`expected a WorkflowError ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowError, `expected a WorkflowError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const phrase of phrases) assert.match(error.message, new RegExp(phrase));
  return error;
}

async function step(f: RegisterFixture, incident: Incident, to: IncidentState): Promise<Incident> {
  const { app } = f;
  if (to === 'breach-confirmed')
    return app.incidents.advance(
      incident.id,
      to,
      { reason: 'records were exposed', awareAt: app.clock.now() },
      DPO,
    );
  if (to === 'closed') {
    await app.incidents.append(
      incident.id,
      { type: 'lessons-learned', text: 'check the firewall rules monthly' },
      DPO,
    );
    return app.incidents.advance(incident.id, to, { reason: 'done' }, DPO);
  }
  return app.incidents.advance(incident.id, to, { reason: `to ${to}` }, ADMIN);
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`incident register (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('reports an incident with a readable id, e-mails the DPO at once and audits it', async () => {
      const f = await registerApp(backend);
      try {
        const first = await f.app.incidents.report({ title: 'Laptop lost', tenants: ['acme'] }, ADMIN);
        const second = await f.app.incidents.report({ title: 'Odd login', tenants: [] }, ADMIN);
        assert.equal(first.id, 'INC-2026-0001');
        assert.equal(second.id, 'INC-2026-0002');
        assert.equal(first.state, 'reported');
        assert.deepEqual(first.tenants, ['acme']);
        assert.equal(first.dpoNotified, true);
        const alerts = f.outbox.mails.filter((m) => m.kind === 'dpo-alert');
        assert.equal(alerts.length, 2);
        assert.equal(alerts[0]?.to, DPO_EMAIL);
        assert.equal(alerts[0]?.incidentId, first.id);
        assert.match(alerts[0]?.subject ?? '', /INC-2026-0001/);
        const audit = await f.app.audit.list();
        assert.ok(
          audit.some((e) => e.action === 'incident.report' && e.target === first.id && e.actor === 'admin1'),
        );
        const got = await f.app.incidents.get(first.id);
        assert.equal(got.title, 'Laptop lost');
        assert.match(got.timeline[0]?.text ?? '', /reported: Laptop lost/);
        assert.deepEqual(
          (await f.app.incidents.list({ open: true })).map((i) => i.id),
          [first.id, second.id],
        );
      } finally {
        await f.close();
      }
    });

    it('still registers a report when no DPO address is set, and says why the DPO was not e-mailed', async () => {
      const f = await registerApp(backend, { notifications: {} });
      try {
        const reported = await f.app.incidents.report({ title: 'Suspicious export', tenants: ['acme'] }, CLI);
        assert.equal(reported.dpoNotified, false);
        assert.match(reported.dpoNotifiedWhy ?? '', /notifications\.dpoEmail.*processor\.dpo\.email/);
        assert.equal(f.outbox.mails.length, 0);
        assert.ok(reported.events.some((e) => e.body.type === 'note' && /not e-mailed/.test(e.body.text)));
      } finally {
        await f.close();
      }
    });

    it('refuses an unknown tenant by name, an empty title and an unknown incident', async () => {
      const f = await registerApp(backend);
      try {
        await assert.rejects(
          f.app.incidents.report({ title: 'x', tenants: ['acme', 'nosuch'] }, ADMIN),
          (e: unknown) =>
            e instanceof IncidentInputError && /"nosuch"/.test(e.message) && !/"acme"/.test(e.message),
        );
        await assert.rejects(
          f.app.incidents.report({ title: '  ', tenants: [] }, ADMIN),
          (e: unknown) => e instanceof IncidentInputError && /title must not be empty/.test(e.message),
        );
        await assert.rejects(f.app.incidents.get('INC-2026-9999'), IncidentNotFoundError);
        assert.equal((await f.app.incidents.list()).length, 0);
      } finally {
        await f.close();
      }
    });

    it('refuses every illegal transition from every state, naming from, to and what is allowed', async () => {
      const f = await registerApp(backend);
      try {
        let incident: Incident = await f.app.incidents.report(
          { title: 'Walk the workflow', tenants: ['acme'] },
          ADMIN,
        );
        for (const [i, state] of PATH.entries()) {
          assert.equal(incident.state, state);
          for (const to of Object.keys(TRANSITIONS) as IncidentState[]) {
            if (TRANSITIONS[state].includes(to)) continue;
            const allowed = TRANSITIONS[state].length > 0 ? TRANSITIONS[state].join(' or ') : 'nothing';
            await refused(
              f.app.incidents.advance(incident.id, to, { reason: 'try', awareAt: f.app.clock.now() }, DPO),
              'illegal-transition',
              `from ${state} to ${to}`,
              allowed,
            );
          }
          const next = PATH[i + 1];
          if (next) incident = await step(f, incident, next);
        }
        assert.equal(incident.state, 'closed');
        assert.ok(incident.closedAt !== null);
        // Nothing is appended to a closed incident either.
        await refused(
          f.app.incidents.append(incident.id, { type: 'note', text: 'late' }, DPO),
          'closed',
          'new incident',
        );
        const refusals = (await f.app.audit.list()).filter(
          (e) => e.action === 'incident.advance' && e.result === 'refused',
        );
        assert.ok(refusals.length > 20);
      } finally {
        await f.close();
      }
    });

    it('confirming a breach needs awareAt, a reason and the dpo, an admin or the shell', async () => {
      const f = await registerApp(backend);
      try {
        const { incidents, clock } = f.app;
        const { id } = await incidents.report({ title: 'Mail to wrong customer', tenants: ['acme'] }, ADMIN);
        await incidents.advance(id, 'triage', { reason: 'looking' }, ADMIN);
        await refused(
          incidents.advance(id, 'breach-confirmed', { reason: 'sure' }, DPO),
          'aware-at-required',
          'awareAt',
        );
        await refused(
          incidents.advance(id, 'breach-confirmed', { reason: ' ', awareAt: clock.now() }, DPO),
          'reason-required',
        );
        await refused(
          incidents.advance(id, 'breach-confirmed', { reason: 'sure', awareAt: clock.now() + HOUR }, DPO),
          'aware-at-invalid',
          'future',
        );
        await refused(
          incidents.advance(
            id,
            'breach-confirmed',
            { reason: 'sure', awareAt: clock.now() },
            {
              actor: 'koppel',
              role: 'system',
              address: 'koppel',
            },
          ),
          'role',
          'only the dpo or an admin',
        );
        const aware = clock.now();
        const confirmed = await incidents.advance(
          id,
          'breach-confirmed',
          { reason: 'records were read', awareAt: aware },
          CLI,
        );
        assert.equal(confirmed.state, 'breach-confirmed');
        assert.equal(confirmed.awareAt, aware);
        const last = confirmed.events.at(-1);
        assert.equal(last?.actor.role, 'cli');
        assert.deepEqual(
          confirmed.decisions.map((d) => [d.topic, d.reasoning, d.by]),
          [['breach-confirmed', 'records were read', 'cli:operator']],
        );
        await refused(
          incidents.advance(id, 'assessment', { reason: 'go', awareAt: aware }, DPO),
          'aware-at-not-allowed',
        );
      } finally {
        await f.close();
      }
    });

    it('closing needs the DPO and the lessons learned; not-a-breach can reopen to triage', async () => {
      const f = await registerApp(backend);
      try {
        const { incidents } = f.app;
        const { id } = await incidents.report({ title: 'Alert that was a test', tenants: ['acme'] }, ADMIN);
        await incidents.advance(id, 'triage', { reason: 'check' }, ADMIN);
        await incidents.advance(id, 'not-a-breach', { reason: 'it was the yearly drill' }, ADMIN);
        await incidents.advance(id, 'triage', { reason: 'new facts: real data were in the drill' }, ADMIN);
        await incidents.advance(id, 'not-a-breach', { reason: 'the data were synthetic after all' }, DPO);
        await refused(
          incidents.advance(id, 'closed', { reason: 'done' }, ADMIN),
          'role',
          'only the DPO',
          '--as-dpo',
        );
        await refused(incidents.advance(id, 'closed', { reason: 'done' }, CLI), 'role', 'only the DPO');
        await refused(
          incidents.advance(id, 'closed', { reason: 'done' }, DPO),
          'lessons-required',
          'lessons',
        );
        await incidents.append(id, { type: 'lessons-learned', text: 'label drills as drills' }, DPO);
        const closed = await incidents.advance(id, 'closed', { reason: 'no breach' }, DPO);
        assert.equal(closed.state, 'closed');
        assert.equal(closed.lessonsLearned, 'label drills as drills');
        assert.equal(closed.decisions.filter((d) => d.topic === 'not-a-breach').length, 2);
      } finally {
        await f.close();
      }
    });

    it('goes from assessment to follow-up only when no customer is affected', async () => {
      const f = await registerApp(backend);
      try {
        const { incidents, clock } = f.app;
        const withTenant = await incidents.report({ title: 'Customer data', tenants: ['acme'] }, ADMIN);
        const own = await incidents.report(
          { title: 'Our staff list', tenants: [], operatorIsController: true },
          ADMIN,
        );
        for (const { id } of [withTenant, own]) {
          await incidents.advance(id, 'triage', { reason: 'check' }, ADMIN);
          await incidents.advance(id, 'breach-confirmed', { reason: 'read', awareAt: clock.now() }, DPO);
          await incidents.advance(id, 'assessment', { reason: 'assess' }, DPO);
        }
        await refused(
          incidents.advance(withTenant.id, 'follow-up', { reason: 'skip' }, DPO),
          'illegal-transition',
          'acme',
          'informing-customers',
        );
        const followUp = await incidents.advance(own.id, 'follow-up', { reason: 'AP notified by us' }, DPO);
        assert.equal(followUp.state, 'follow-up');
      } finally {
        await f.close();
      }
    });

    it('seals the history and the database refuses to update or delete it', async () => {
      const f = await registerApp(backend);
      try {
        const { id } = await f.app.incidents.report(
          { title: 'Unique title 7f3a', summary: 'Test Contact 1 was named', tenants: ['acme'] },
          ADMIN,
        );
        const db = f.app.store.db;
        const rows = await db
          .selectFrom('incident_events')
          .selectAll()
          .where('incident_id', '=', id)
          .execute();
        assert.ok(rows.length >= 1);
        for (const row of rows) assert.ok(!Buffer.from(row.body).toString('latin1').includes('7f3a'));
        await assert.rejects(sql`UPDATE incident_events SET actor = 'mallory'`.execute(db), /append-only/);
        await assert.rejects(sql`DELETE FROM incident_events`.execute(db), /append-only|retention/);
        await assert.rejects(sql`DELETE FROM incidents`.execute(db), /retention/);
        const after = await f.app.incidents.get(id);
        assert.equal(after.events.length, rows.length);
        assert.equal(after.events[0]?.actor.actor, 'admin1');
      } finally {
        await f.close();
      }
    });
  });
}
