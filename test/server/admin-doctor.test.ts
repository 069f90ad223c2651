import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminAccounts, adminAllowlist } from '../../src/doctor/checks/admin-checks.js';
import { serverTls } from '../../src/doctor/checks/status-tls-checks.js';
import { openDoctorContext } from '../../src/doctor/doctor-context.js';
import { createLogger } from '../../src/log/logger.js';
import { createTestApp, TEST_MASTER_KEY } from '../helpers/stores.js';

describe('doctor: admin accounts and allowlist', () => {
  it('warns without accounts, passes with two, fails with one more than server.maxAdmins', async () => {
    const t = await createTestApp(
      'sqlite',
      { server: { maxAdmins: 1, allow: ['0.0.0.0/0'] } },
      { log: createLogger('silent') },
    );
    const env = { KOPPEL_MASTER_KEY: TEST_MASTER_KEY };
    const finding = async () => {
      const context = await openDoctorContext(t.app.config, env, { clock: t.clock });
      try {
        return {
          accounts: await adminAccounts.run(context),
          allow: await adminAllowlist.run(context),
          tls: await serverTls.run(context),
        };
      } finally {
        await context.store?.close();
      }
    };
    try {
      assert.equal((await finding()).accounts.status, 'warn');
      assert.equal((await finding()).allow.status, 'warn', '0.0.0.0/0 is no restriction');
      const tls = (await finding()).tls;
      assert.equal(tls.status, 'warn');
      assert.match(
        tls.summary,
        /the admin server on 127\.0\.0\.1:8443 uses TLS with a self-signed certificate/,
      );
      assert.match(tls.fix!, /server\.tls\.certFile/);
      await t.app.admins.add('alice', 'admin', 'violet-harbour-lantern-42');
      await assert.rejects(t.app.admins.add('bob', 'admin', 'quiet-meadow-compass-17'), /the limit is 1/);
      assert.equal((await finding()).accounts.status, 'pass');
      // A second admin written past the CLI (a restored backup, a hand-made row) is found.
      const row = await t.app.store.db.selectFrom('admins').selectAll().executeTakeFirstOrThrow();
      await t.app.store.db
        .insertInto('admins')
        .values({ ...row, username: 'bob' })
        .execute();
      const found = (await finding()).accounts;
      assert.equal(found.status, 'fail');
      assert.match(found.summary, /2 administrator accounts \(alice, bob\), the limit is 1/);
    } finally {
      await t.close();
    }
  });
});
