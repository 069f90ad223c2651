import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { KeyDestroyedError } from '../../src/keys/key-ring.js';
import { terminateTenant } from '../../src/tenants/offboarding.js';
import { runCli } from '../helpers/cli.js';
import { type Backend, createTestApp, PG_SKIP_REASON, TEST_MASTER_KEY } from '../helpers/stores.js';
import { startSyncHarness, TENANT } from '../sync/sync-harness.js';

const DAY = 86_400_000;
const TENANT_TABLES = [
  'queue_messages',
  'queue_dedup',
  'sync_contacts',
  'sync_identities',
  'sync_checkpoints',
] as const;

async function rowsOf(
  app: Awaited<ReturnType<typeof createTestApp>>['app'],
  tenantId: string,
): Promise<number> {
  let total = 0;
  for (const table of TENANT_TABLES) {
    const row = await app.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

function offboardingAtOnce(backend: Backend, skip: string | false) {
  it(`terminates at once on ${backend}: sync stops, keys shredded, rows deleted, store compacted, certificate issued`, {
    skip,
  }, async () => {
    const h = await startSyncHarness({ contacts: 20, backend });
    try {
      await h.settle();
      const ids = h.dataverse.admin.listContacts().map((r) => String(r.contactid));
      h.dataverse.admin.updateContact(ids[0]!, { firstname: 'Pending' });
      await h.engine
        .context(TENANT)
        .then((ctx) =>
          ctx.queue.enqueue([{ tenantId: TENANT, queue: 'to-mailplus', payload: { op: 'noop' } }]),
        );
      const { issued } = await terminateTenant({ ...h.t.app, clock: systemClock }, TENANT);
      assert.ok(issued);
      assert.equal(issued.certificate.deletedRows.sync_contacts, 20);
      assert.ok(issued.certificate.deletedRows.queue_messages! >= 1);
      assert.equal(
        issued.sha256,
        createHash('sha256').update(JSON.stringify(issued.certificate)).digest('hex'),
      );
      await assert.rejects(h.t.app.keys.current(TENANT), KeyDestroyedError);
      assert.equal(await rowsOf(h.t.app, TENANT), 0);
      const keyRows = await h.t.app.store.db
        .selectFrom('tenant_keys')
        .selectAll()
        .where('tenant_id', '=', TENANT)
        .execute();
      assert.ok(
        keyRows.every((k) => k.wrapped_key === null && k.destroyed_at !== null),
        'only the destruction record remains',
      );
      await assert.rejects(h.round(), /terminated; its sync has stopped/);
      if (backend === 'sqlite') {
        const files = readdirSync(h.t.dataDir).filter((f) => f.startsWith('koppel.db'));
        for (const file of files) {
          const bytes = readFileSync(join(h.t.dataDir, file));
          const leaked = ids.filter((id) => bytes.includes(id));
          assert.deepEqual(leaked, [], `${file} holds no contact id of the terminated tenant`);
        }
      }
    } finally {
      await h.close();
    }
  });
}

describe('tenant offboarding', () => {
  offboardingAtOnce('sqlite', false);
  offboardingAtOnce('postgres', PG_SKIP_REASON);

  it('with a delay: unreadable at once, rows deleted by the retention job when due (never later than 30 days)', async () => {
    const t = await createTestApp('sqlite');
    try {
      await t.app.tenants.add('late', 'Late BV');
      await t.app.queue.enqueue([
        { tenantId: 'late', queue: 'q', key: 'c1', payload: { email: 'x@example.org' } },
      ]);
      await assert.rejects(
        terminateTenant({ ...t.app, clock: t.clock }, 'late', 31),
        /at most 30|from 0 to 30/,
      );
      const { issued, deletionDueAt } = await terminateTenant({ ...t.app, clock: t.clock }, 'late', 10);
      assert.equal(issued, undefined);
      assert.equal(deletionDueAt, t.clock.now() + 10 * DAY);
      assert.deepEqual(await t.app.queue.claim({ queue: 'q' }), [], 'nothing of it can be read any more');
      const job = t.app.retention;
      t.clock.advance(10 * DAY - 1);
      assert.equal((await job.run()).purged['terminated-tenants'], 0);
      assert.ok((await rowsOf(t.app, 'late')) > 0);
      t.clock.advance(1);
      assert.equal((await job.run()).purged['terminated-tenants'], 1);
      assert.equal(await rowsOf(t.app, 'late'), 0);
      const stored = await t.app.store.db.selectFrom('deletion_certificates').selectAll().execute();
      assert.equal(stored.length, 1);
      assert.equal(JSON.parse(stored[0]!.certificate).tenant.id, 'late');
    } finally {
      await t.close();
    }
  });

  it('asks for confirmation on the CLI, then writes the certificate files with mode 0600', async () => {
    const t = await createTestApp('sqlite');
    await t.app.tenants.add('acme', 'Acme BV');
    await t.app.close();
    const env = {
      KOPPEL_DATA_DIR: t.dataDir,
      KOPPEL_MASTER_KEY: TEST_MASTER_KEY,
      KOPPEL_STORE_URL: t.storeUrl,
    };
    const unconfirmed = await runCli(['tenant', 'terminate', 'acme'], env);
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stdout, /Run again with --yes/);
    assert.match((await runCli(['tenant', 'list'], env)).stdout, /acme +Acme BV +active/);
    const done = await runCli(['tenant', 'terminate', 'acme', '--yes'], env);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /certificate SHA-256: [0-9a-f]{64}/);
    const dir = join(t.dataDir, 'certificates');
    assert.ok(existsSync(dir));
    for (const file of readdirSync(dir)) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
    assert.match((await runCli(['tenant', 'list'], env)).stdout, /acme +Acme BV +terminated/);
  });
});
