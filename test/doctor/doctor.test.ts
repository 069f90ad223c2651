import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { postgresTls } from '../../src/doctor/checks/store-checks.js';
import { defaultChecks } from '../../src/doctor/default-checks.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import type { DoctorContext, Finding } from '../../src/doctor/doctor-check.js';
import { openDoctorContext } from '../../src/doctor/doctor-context.js';
import { rewrapTenantKeys } from '../../src/keys/key-rotation.js';
import { createTestApp, PG_SKIP_REASON, TEST_MASTER_KEY, type TestApp } from '../helpers/stores.js';

const DAY = 86_400_000;

async function doctor(
  t: TestApp,
  env: NodeJS.ProcessEnv,
  expectRunning = false,
): Promise<Map<string, Finding>> {
  const context = await openDoctorContext(t.app.config, env, { clock: t.clock, expectRunning });
  try {
    const report = await runDoctor(context, defaultChecks());
    return new Map(report.findings.map((f) => [f.id, f]));
  } finally {
    await context.store?.close();
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`doctor findings (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    const env = { KOPPEL_MASTER_KEY: TEST_MASTER_KEY };

    it('checks the store for its dialect', async () => {
      const t = await createTestApp(backend);
      try {
        const findings = await doctor(t, env);
        assert.equal(findings.get('store')?.status, 'pass');
        assert.equal(findings.get('sqlite-pragmas')?.status, backend === 'sqlite' ? 'pass' : 'skip');
        assert.equal(findings.get('postgres-tls')?.status, backend === 'postgres' ? 'pass' : 'skip');
      } finally {
        await t.close();
      }
    });

    it('warns about master and tenant keys older than 90 days, and stops warning after rotate-tenant', async () => {
      const t = await createTestApp(backend);
      try {
        await t.app.keys.current('acme');
        t.clock.advance(91 * DAY);
        const old = await doctor(t, env);
        assert.equal(old.get('master-key-age')?.status, 'warn');
        assert.match(old.get('master-key-age')!.summary, /91 days in use \(more than 90\)/);
        assert.equal(old.get('tenant-key-age')?.status, 'warn');
        assert.equal(old.get('tenant-key-age')?.fix, 'koppel keys rotate-tenant acme');
        await t.app.keys.rotate('acme');
        assert.equal((await doctor(t, env)).get('tenant-key-age')?.status, 'pass');
      } finally {
        await t.close();
      }
    });

    it('fails while a rotation is unfinished, then warns that the previous key is no longer needed', async () => {
      const t = await createTestApp(backend);
      try {
        await t.app.keys.current('acme');
        const rotating = {
          KOPPEL_MASTER_KEY: randomBytes(32).toString('base64'),
          KOPPEL_MASTER_KEY_PREVIOUS: TEST_MASTER_KEY,
        };
        assert.equal((await doctor(t, rotating)).get('master-key-rotation')?.status, 'fail');
        const context = await openDoctorContext(t.app.config, rotating, { clock: t.clock });
        await rewrapTenantKeys(context.store!, context.masters!.keys, t.clock);
        await context.store!.close();
        const done = (await doctor(t, rotating)).get('master-key-rotation');
        assert.equal(done?.status, 'warn');
        assert.match(done!.fix!, /remove previous keys from the configuration/);
      } finally {
        await t.close();
      }
    });

    it('checks that retention runs on time and that nothing outlives its retention period', async () => {
      const t = await createTestApp(backend);
      try {
        const job = t.app.retention;
        await t.app.queue.enqueue([{ tenantId: 'acme', queue: 'q', payload: { n: 1 } }]);
        await t.app.queue.deadLetter(await t.app.queue.claim({ queue: 'q' }), 'permanent');
        await job.run();
        t.clock.advance(11 * 60_000);
        assert.equal(
          (await doctor(t, env, true)).get('retention-ran')?.status,
          'fail',
          'late for a running koppel',
        );
        assert.equal(
          (await doctor(t, env, false)).get('retention-ran')?.status,
          'pass',
          'fine when none should run',
        );

        t.clock.advance(15 * DAY);
        const late = await doctor(t, env);
        assert.equal(late.get('retention-ran')?.status, 'warn');
        assert.equal(late.get('retention-overdue')?.status, 'fail');
        assert.match(late.get('retention-overdue')!.summary, /dead-letters \(1 item\(s\), due 1 day ago\)/);

        await job.run();
        const fixed = await doctor(t, env, true);
        assert.equal(fixed.get('retention-ran')?.status, 'pass');
        assert.equal(fixed.get('retention-overdue')?.status, 'pass');
      } finally {
        await t.close();
      }
    });
  });
}

describe('postgres-tls', () => {
  const check = (url: string, ssl?: string) =>
    postgresTls.run({
      config: loadConfig({ overrides: { store: { driver: 'postgres', url, ...(ssl ? { ssl } : {}) } } }),
    } as DoctorContext);

  it('fails without TLS to another machine, warns without certificate checks, passes on loopback or verify-full', async () => {
    assert.equal((await check('postgres://k@db.example.net/k', 'disable')).status, 'fail');
    assert.match((await check('postgres://k@db.example.net/k', 'disable')).fix!, /verify-full/);
    assert.equal((await check('postgres://k@db.example.net/k', 'require')).status, 'warn');
    assert.equal((await check('postgres://k@db.example.net/k', 'verify-full')).status, 'pass');
    assert.equal((await check('postgres://k@127.0.0.1:5432/k', 'disable')).status, 'pass');
    assert.equal((await check('postgres://k@localhost/k', 'disable')).status, 'pass');
  });

  it("reads the effective mode: the URL's sslmode when store.ssl is unset, else require beyond loopback", async () => {
    assert.equal((await check('postgres://k@db.example.net/k?sslmode=disable')).status, 'fail');
    assert.equal((await check('postgres://k@db.example.net/k?sslmode=verify-full')).status, 'pass');
    const fallback = await check('postgres://k@db.example.net/k');
    assert.equal(fallback.status, 'warn', 'no setting means require (encrypted), not disable');
    assert.match(fallback.summary, /over TLS, but the server certificate is not verified/);
  });
});
