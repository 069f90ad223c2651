import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { buildDashboard } from '../../src/runs/dashboard.js';
import { NOT_STATED, rejectedFields } from '../../src/runs/reject-reasons.js';
import { tenantDataTables } from '../../src/tenants/tenant-tables.js';
import { createTestApp, PG_SKIP_REASON, type TestApp } from '../helpers/stores.js';
import { contactId, MAPPING_REASON, recordRound } from './run-fixtures.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

async function withApp(backend: 'sqlite' | 'postgres', test: (t: TestApp) => Promise<void>) {
  const t = await createTestApp(backend);
  try {
    for (const id of ['acme', 'beta', 'gamma', 'delta']) await t.app.tenants.add(id, `Tenant ${id}`);
    await test(t);
  } finally {
    await t.close();
  }
}

describe('rejectedFields: a dead letter description as fields and rules', () => {
  it("splits the mapper's list into one field and rule each", () => {
    assert.deepEqual(rejectedFields(MAPPING_REASON), [
      { field: 'emailaddress1 -> email', rule: 'is not a valid e-mail address' },
      { field: 'lastname -> lastName', rule: 'is longer than the maximum of 50 characters' },
    ]);
    assert.deepEqual(rejectedFields('telephone1 -> phone: is not a phone number'), [
      { field: 'telephone1 -> phone', rule: 'is not a phone number' },
    ]);
  });

  it("keeps only a service's code, never its own words, which may quote a value", () => {
    assert.deepEqual(
      rejectedFields(
        `Mail+ rejected contact ${contactId(1)}: PROPERTY_INVALID customerNumber K-0042 is no number`,
      ),
      [{ field: null, rule: 'Mail+ PROPERTY_INVALID' }],
    );
    assert.deepEqual(
      rejectedFields('Dataverse answered PATCH /contacts(x) with 400 0x80040265: a value quoted here'),
      [{ field: null, rule: 'Dataverse 400 0x80040265' }],
    );
    assert.deepEqual(rejectedFields('something a service said about Jan Jansen'), [
      { field: null, rule: NOT_STATED },
    ]);
  });
});

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`the run history (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    it('lists rounds newest first, filtered and paged by cursor, with their rejects per field', () =>
      withApp(backend, async ({ app, clock }) => {
        const first = await recordRound(app, clock, 'acme', {
          rejects: [
            { contact: contactId(1), description: MAPPING_REASON },
            { contact: contactId(2), description: 'emailaddress1 -> email: is not a valid e-mail address' },
          ],
        });
        for (let i = 0; i < 4; i++) await recordRound(app, clock, i % 2 ? 'beta' : 'acme');
        await recordRound(app, clock, 'beta', { error: { class: 'RetryableError', code: '503' } });

        const all = await app.runs.list({ limit: 100 });
        assert.equal(all.runs.length, 6);
        assert.deepEqual(
          all.runs.map((r) => r.startedAt),
          all.runs.map((r) => r.startedAt).sort((a, b) => b - a),
          'newest first',
        );
        const acme = await app.runs.list({ limit: 2, tenant: 'acme' });
        assert.equal(acme.runs.length, 2);
        assert.ok(acme.nextCursor);
        const rest = await app.runs.list({ limit: 2, tenant: 'acme', cursor: acme.nextCursor });
        assert.deepEqual(
          rest.runs.map((r) => r.id),
          [first],
        );
        assert.equal(rest.nextCursor, null, 'the last page');
        const failed = await app.runs.list({ limit: 10, outcome: 'failed' });
        assert.deepEqual(
          failed.runs.map((r) => [r.tenantId, r.errorClass, r.errorCode]),
          [['beta', 'RetryableError', '503']],
        );
        const from = (await app.runs.get(first))!.endedAt;
        assert.equal((await app.runs.list({ limit: 10, from })).runs.length, 5);
        assert.equal((await app.runs.list({ limit: 10, to: from })).runs.length, 1);
        await assert.rejects(app.runs.list({ limit: 10, cursor: 'nope' }), /cursor/);

        const run = (await app.runs.get(first))!;
        assert.equal(run.rejected, 2, 'records, not fields');
        const { rejects } = await app.runs.rejects(first, { limit: 100 });
        assert.deepEqual(
          rejects.map((r) => [r.contactId, r.field, r.reason]),
          [
            [contactId(1), 'emailaddress1 -> email', 'rejected'],
            [contactId(1), 'lastname -> lastName', 'rejected'],
            [contactId(2), 'emailaddress1 -> email', 'rejected'],
          ],
        );
        const email = await app.runs.rejects(first, { limit: 100, field: 'emailaddress1 -> email' });
        assert.equal(email.rejects.length, 2);
        const paged = await app.runs.rejects(first, { limit: 2 });
        assert.equal(paged.rejects.length, 2);
        const next = await app.runs.rejects(first, { limit: 2, cursor: paged.nextCursor! });
        assert.deepEqual(
          next.rejects.map((r) => r.contactId),
          [contactId(2)],
        );
        assert.equal((await app.runs.rejectsBetween({ tenant: 'beta' })).length, 0);
        assert.equal((await app.runs.rejectsBetween({ tenant: 'acme', from: run.startedAt })).length, 3);
      }));

    it('keeps rounds 30 days: the retention job deletes them, their rejects and hourly sums after that', () =>
      withApp(backend, async ({ app, clock }) => {
        const job = new RetentionJob({
          store: app.store,
          queue: app.queue,
          config: app.config,
          audit: app.audit,
          clock,
          runs: app.runs,
        });
        const start = clock.now();
        await recordRound(app, clock, 'acme', {
          rejects: [{ contact: contactId(1), description: MAPPING_REASON }],
        });
        clock.set(start + 29 * DAY);
        await recordRound(app, clock, 'acme');
        const before = (await job.status()).find((c) => c.id === 'sync-runs')!;
        assert.equal(before.items, 2);
        assert.equal(before.oldestAt, start);
        assert.equal(before.dueAt, start + 30 * DAY);
        assert.match(before.policy, /30 days/);

        assert.equal((await job.run()).purged['sync-runs'], 0, 'not yet due');
        clock.set(start + 30 * DAY + 2 * HOUR);
        const due = await job.run();
        assert.equal(due.purged['sync-runs'], 1);
        assert.deepEqual(due.errors, {});
        const left = await app.runs.list({ limit: 10 });
        assert.deepEqual(
          left.runs.map((r) => r.startedAt),
          [start + 29 * DAY],
        );
        assert.equal((await app.runs.rejectsBetween({})).length, 0, 'its rejects went with it');
        const hours = await app.store.db.selectFrom('sync_run_hours').select('hour').execute();
        assert.ok(
          hours.every((h) => Number(h.hour) >= start + 29 * DAY - HOUR),
          'the old hour went too',
        );
        const after = (await job.status()).find((c) => c.id === 'sync-runs')!;
        assert.equal(after.items, 1);
        assert.equal(after.lastRun?.purged, 1);
      }));

    it("is deleted with a tenant's other rows at offboarding (tenant_id columns)", async () => {
      const t = await createTestApp(backend);
      try {
        const tables = await tenantDataTables(t.app.store.db, t.app.store.dialect);
        for (const table of ['sync_runs', 'sync_run_rejects', 'sync_run_hours'])
          assert.ok(tables.includes(table), table);
      } finally {
        await t.close();
      }
    });

    it('builds the dashboard: states with reasons, last round, lag, queue depth, dead letters and both series', () =>
      withApp(backend, async ({ app, clock }) => {
        const start = clock.now();
        // acme: a round every 15 minutes for 3 days, 3 written each.
        for (let at = start - 3 * DAY; at < start; at += 15 * 60_000) {
          clock.set(at);
          await recordRound(app, clock, 'acme', { written: 3 });
        }
        await app.store.db
          .insertInto('sync_checkpoints')
          .values({ tenant_id: 'acme', source: 'dataverse-initial', position: 'done', updated_at: start })
          .execute();
        clock.set(start - HOUR);
        await recordRound(app, clock, 'beta', {
          rejects: [{ contact: contactId(9), description: MAPPING_REASON }],
        });
        await recordRound(app, clock, 'beta', { error: { class: 'RetryableError', code: '503' } });
        await app.tenants.setStatus('gamma', 'paused');
        await app.queue.enqueue([
          { tenantId: 'acme', queue: 'to-mailplus', payload: { op: 'synthetic' } },
          { tenantId: 'acme', queue: 'to-dataverse', payload: { op: 'synthetic' } },
        ]);
        clock.set(start);

        const dashboard = await buildDashboard(
          { db: app.store.db, queue: app.queue, tenants: app.tenants },
          start,
        );
        const by = new Map(dashboard.tenants.map((t) => [t.id, t]));
        assert.deepEqual(
          dashboard.tenants.map((t) => [t.id, t.state]),
          [
            ['acme', 'live'],
            ['beta', 'failing'],
            ['delta', 'loading'],
            ['gamma', 'paused'],
          ],
        );
        assert.match(by.get('beta')!.reason!, /RetryableError \(503\)/);
        assert.equal(by.get('delta')!.reason, 'no round yet');
        assert.match(by.get('gamma')!.reason!, /paused/);
        assert.deepEqual(dashboard.totals, {
          tenants: 4,
          live: 1,
          loading: 1,
          paused: 1,
          failing: 1,
          queueDepth: 2,
          deadLetters: 1,
        });

        const acme = by.get('acme')!;
        assert.equal(acme.queueDepth, 2);
        assert.equal(acme.lastRound?.startedAt, start - 15 * 60_000);
        assert.equal(acme.lastSuccessAt, start - 15 * 60_000 + 2_000);
        assert.equal(acme.lagSeconds, (15 * 60_000 - 2_000) / 1000);
        const sum = (values: number[]) => values.reduce((n, v) => n + v, 0);
        assert.equal(acme.hourly.start, start - 23 * HOUR);
        assert.equal(acme.hourly.stepSeconds, 3600);
        assert.equal(acme.daily.start, start - 29 * DAY);
        assert.equal(acme.daily.stepSeconds, 86_400);
        for (const column of [
          'rounds',
          'failed',
          'dataverseWritten',
          'mailplusWritten',
          'rejected',
          'lagSeconds',
        ] as const) {
          assert.equal(acme.hourly[column].length, 24, column);
          assert.equal(acme.daily[column].length, 30, column);
        }
        // Every full hour of the last 24 had 4 rounds of 3 written; the current hour none yet.
        assert.deepEqual(acme.hourly.rounds, [...Array(23).fill(4), 0]);
        assert.deepEqual(acme.hourly.mailplusWritten, [...Array(23).fill(12), 0]);
        assert.equal(sum(acme.daily.mailplusWritten), 3 * 96 * 3, 'all of it, per day');
        assert.deepEqual(acme.daily.rounds, [...Array(26).fill(0), 96, 96, 96, 0]);
        assert.ok(
          acme.hourly.lagSeconds.every((lag) => lag !== null && lag <= 15 * 60),
          'lag per hour',
        );

        const beta = by.get('beta')!;
        assert.equal(beta.deadLetters, 1);
        assert.equal(beta.lastRound?.outcome, 'failed');
        assert.equal(beta.lastSuccessAt, start - HOUR + 2_000);
        assert.equal(beta.hourly.failed.at(-2), 1);
        assert.equal(beta.hourly.rejected.at(-2), 1);
        // From the hour of its last success on, the lag grows: one hour and a bit at the end.
        assert.equal(beta.hourly.lagSeconds.at(-1), (HOUR - 2_000) / 1000);
        assert.equal(beta.hourly.lagSeconds[0], null, 'no success known before');
      }));
  });
}
