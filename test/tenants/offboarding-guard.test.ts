import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { seededRandom } from '../../src/clock.js';
import { TenantTerminatedError } from '../../src/store/terminated-guard.js';
import { CheckpointStore } from '../../src/sync/checkpoint-store.js';
import { ContactStateStore } from '../../src/sync/contact-state.js';
import { IdentityMap } from '../../src/sync/identity-map.js';
import { terminateTenant } from '../../src/tenants/offboarding.js';
import { remainingRows, tenantDataTables, total } from '../../src/tenants/tenant-tables.js';
import {
  type Backend,
  createTestApp,
  PG_SKIP_REASON,
  TEST_MASTER_KEY,
  type TestApp,
} from '../helpers/stores.js';

const TENANT = 'acme';
const backends: [Backend, string | false][] = [
  ['sqlite', false],
  ['postgres', PG_SKIP_REASON],
];

/** A tenant with a row in each table the sync writes: the state a running `koppel run` leaves. */
async function seed(t: TestApp, tenantId = TENANT): Promise<void> {
  const { app, clock } = t;
  await app.tenants.add(tenantId, 'Acme BV');
  await app.tenants.updateSettings(tenantId, { 'mailplus.consumerKey': 'synthetic-key' });
  await app.queue.enqueue([{ tenantId, queue: 'to-mailplus', key: 'c1', payload: { op: 'noop' } }]);
  await app.queue.enqueue([{ tenantId, queue: 'to-mailplus', messageId: 'm1', payload: { op: 'noop' } }]);
  await new ContactStateStore(app.store, clock).update(tenantId, ['c1'], (states) => {
    states.get('c1')!.inMailplus = true;
  });
  await new CheckpointStore(app.store, clock).set(tenantId, 'dataverse', 'delta-1');
  await new IdentityMap(app.store, clock).link(tenantId, new Map([['c1', 'mp-1']]));
  await app.store.db
    .insertInto('sync_mailplus_index')
    .values({ tenant_id: tenantId, mailplus_id: 'mp-1', email_hash: 'h', opted_out: 0, off_bits: '[]' })
    .execute();
}

async function left(t: TestApp, tenantId = TENANT): Promise<Record<string, number>> {
  const tables = await tenantDataTables(t.app.store.db, t.app.store.dialect);
  return remainingRows(t.app.store.db, tables, tenantId);
}

/** A second koppel on the same store: another process, with its own key cache. */
function secondProcess(t: TestApp) {
  return createApp(t.app.config, {
    env: { KOPPEL_MASTER_KEY: TEST_MASTER_KEY },
    clock: t.clock,
    random: seededRandom(7),
  });
}

for (const [backend, skip] of backends) {
  describe(`offboarding guard on ${backend}`, { skip }, () => {
    it('refuses every write of a worker that still holds the key after another process terminated the tenant', async () => {
      const t = await createTestApp(backend);
      try {
        await seed(t);
        const admin = await secondProcess(t);
        const { issued } = await terminateTenant({ ...admin, clock: t.clock }, TENANT).finally(() =>
          admin.close(),
        );
        assert.ok(issued);
        assert.equal(total(issued.certificate.remainingRows), 0);
        // The worker's key cache still holds the tenant's key: only the store can stop it.
        const { app, clock } = t;
        await assert.rejects(
          app.queue.enqueue([{ tenantId: TENANT, queue: 'to-mailplus', key: 'c2', payload: { op: 'x' } }]),
          TenantTerminatedError,
        );
        await assert.rejects(
          app.queue.enqueue([{ tenantId: TENANT, queue: 'to-mailplus', messageId: 'm2', payload: {} }]),
          TenantTerminatedError,
        );
        const refused = /koppel_tenant_terminated/;
        await assert.rejects(
          new ContactStateStore(app.store, clock).update(TENANT, ['c2'], (s) => {
            s.get('c2')!.inMailplus = true;
          }),
          refused,
        );
        await assert.rejects(new CheckpointStore(app.store, clock).set(TENANT, 'mailplus', 'w'), refused);
        await assert.rejects(
          new IdentityMap(app.store, clock).link(TENANT, new Map([['c2', 'mp-2']])),
          refused,
        );
        await assert.rejects(app.tenants.setStatus(TENANT, 'active'), refused);
        assert.deepEqual(
          Object.entries(await left(t)).filter(([, n]) => n > 0),
          [],
          'nothing of the tenant is left',
        );
      } finally {
        await t.close();
      }
    });

    it('a terminate interrupted after its first step is finished by running it again', async () => {
      const t = await createTestApp(backend);
      try {
        await seed(t);
        // What the first step of an earlier terminate left: terminated, no deletion date, key alive.
        await t.app.store.db
          .updateTable('tenants')
          .set({ status: 'terminated', terminated_at: t.clock.now() })
          .where('id', '=', TENANT)
          .execute();
        const again = await terminateTenant({ ...t.app, clock: t.clock }, TENANT);
        assert.equal(again.resumed, true);
        assert.ok(again.issued, 'the second terminate deleted the data and issued the certificate');
        assert.equal(total(await left(t)), 0);
        const keys = await t.app.store.db.selectFrom('tenant_keys').selectAll().execute();
        assert.ok(keys.every((k) => k.wrapped_key === null && k.destroyed_at !== null));
        await assert.rejects(terminateTenant({ ...t.app, clock: t.clock }, TENANT), /already terminated/);
      } finally {
        await t.close();
      }
    });

    it('retention finishes an interrupted terminate nobody repeated, and sweeps rows left behind a certificate', async () => {
      const t = await createTestApp(backend);
      try {
        await seed(t, 'half');
        await seed(t, 'leaky');
        const db = t.app.store.db;
        await db
          .updateTable('tenants')
          .set({ status: 'terminated', terminated_at: t.clock.now() })
          .where('id', '=', 'half')
          .execute();
        // An earlier version certified 'leaky' while a worker still wrote: rows behind a certificate.
        await db
          .insertInto('deletion_certificates')
          .values({ tenant_id: 'leaky', issued_at: t.clock.now(), certificate: '{}', sha256: 'old' })
          .execute();
        await db
          .updateTable('tenants')
          .set({ status: 'terminated', terminated_at: t.clock.now(), deletion_due_at: t.clock.now() })
          .where('id', '=', 'leaky')
          .execute();
        const job = t.app.retention;
        const round = await job.run();
        assert.equal(round.purged['terminated-tenants'], 2, JSON.stringify(round.errors));
        assert.equal(total(await left(t, 'half')), 0, 'keys destroyed and rows deleted');
        assert.equal(total(await left(t, 'leaky')), 0);
        const certificates = await db.selectFrom('deletion_certificates').selectAll().orderBy('id').execute();
        const leaky = JSON.parse(certificates.at(-1)!.certificate);
        assert.equal(leaky.tenant.id, 'leaky');
        assert.equal(leaky.supersedes, 'old');
        assert.equal((await job.run()).purged['terminated-tenants'], 0, 'nothing left to do');
      } finally {
        await t.close();
      }
    });
  });
}

describe('offboarding guard under a concurrent PostgreSQL writer', { skip: PG_SKIP_REASON }, () => {
  it('terminate waits for a writer that checked the tenant before it, then deletes its rows', async () => {
    const t = await createTestApp('postgres');
    const writer = new pg.Client({ connectionString: t.storeUrl });
    try {
      await seed(t);
      await writer.connect();
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO sync_contacts (tenant_id, contact_id, synced, seen_dataverse, seen_mailplus, updated_at)
         VALUES ($1, 'c-late', '{}', '{}', '{}', 0)`,
        [TENANT],
      );
      const terminating = terminateTenant({ ...t.app, clock: t.clock }, TENANT).then(() => 'done' as const);
      const first = await Promise.race([terminating, lockWaitOn(writer)]);
      await writer.query('COMMIT');
      await terminating;
      assert.equal(first, 'waiting', 'terminate waited for the open writer');
      assert.equal(total(await left(t)), 0, "the writer's row was deleted too");
    } finally {
      await writer.end().catch(() => {});
      await t.close();
    }
  });
});

/** Resolves once another session of the database waits for a lock (polled without timers). */
async function lockWaitOn(client: pg.Client): Promise<'waiting'> {
  for (;;) {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()`,
    );
    if (rows[0].n > 0) return 'waiting';
    await new Promise((resolve) => setImmediate(resolve));
  }
}
