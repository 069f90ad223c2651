import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Enrolment } from '../../src/admin/admin-store.js';
import { LOCKOUT_WINDOW_MS } from '../../src/admin/login-throttle.js';
import { createLogger } from '../../src/log/logger.js';
import { type AdminServer, startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp, PG_SKIP_REASON, type TestApp } from '../helpers/stores.js';
import { AdminClient, codeAt } from './admin-client.js';

const PASSWORD = 'violet-harbour-lantern-42';
const DPO_PASSWORD = 'quiet-meadow-compass-17';
const CLIENT_SECRET = 'dv-secret-7f3a9c1e5b';
const CONSUMER_SECRET = 'mp-secret-2d8e6b4a0c';

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`admin server (${backend})`, { skip: backend === 'postgres' && PG_SKIP_REASON }, () => {
    let t: TestApp;
    let server: AdminServer;
    let alice: Enrolment;
    let dpo: Enrolment;
    const seen: string[] = [];
    const client = () => new AdminClient(server.url, server.certificate.cert, seen);

    before(async () => {
      t = await createTestApp(
        backend,
        {
          server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32', '::1/128'] },
        },
        { log: createLogger('silent') },
      );
      alice = await t.app.admins.add('alice', 'admin', PASSWORD);
      dpo = await t.app.admins.add('fg', 'dpo', DPO_PASSWORD);
      await t.app.tenants.add('acme', 'Acme BV');
      await t.app.keys.current('acme');
      server = await startAdminServer({ app: t.app });
    });
    after(async () => {
      await server?.close();
      await t?.close();
    });

    it('answers 401 on every route of its OpenAPI document without a session', async () => {
      const c = client();
      const doc = (await c.send('GET', '/api/openapi.json')).json();
      const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) =>
          Object.keys(methods).map((method) => ({
            method: method.toUpperCase(),
            path: path.replace(/\{[^}]+\}/g, '1'),
          })),
      );
      assert.ok(routes.length >= 20, `the document lists ${routes.length} routes`);
      for (const { method, path } of routes) {
        const reply = await c.send(method, path, method === 'GET' ? undefined : {});
        assert.equal(reply.status, 401, `${method} ${path} answered ${reply.status}`);
      }
      assert.equal((await c.send('GET', '/healthz')).status, 200);
      const ready = await c.send('GET', '/readyz');
      assert.deepEqual(ready.json(), { ready: true }, 'no tenant ids, no counts');
      // The empty sign-in and enrolment posts above were failed sign-ins from this address: let them age out.
      t.clock.advance(LOCKOUT_WINDOW_MS);
      await c.close();
    });

    it('logs in with a TOTP code once; the same code again is refused', async () => {
      const c = client();
      const code = codeAt(alice.uri, t.clock);
      const ok = await c.login('alice', PASSWORD, code);
      assert.equal(ok.status, 204);
      const cookie = String(ok.headers['set-cookie']);
      for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/'])
        assert.ok(cookie.includes(flag), flag);
      assert.equal((await c.send('GET', '/api/session')).json().role, 'admin');
      const again = client();
      const reused = await again.login('alice', PASSWORD, code);
      assert.equal(reused.status, 401, 'a used code works once');
      assert.deepEqual(reused.json(), { error: 'login failed: wrong username, password or code' });
      t.clock.advance(30_000);
      assert.equal((await again.login('alice', PASSWORD, codeAt(alice.uri, t.clock))).status, 204);
      // A recovery code works once too.
      const recovery = client();
      assert.equal((await recovery.login('alice', PASSWORD, alice.recoveryCodes[0]!)).status, 204);
      assert.equal((await client().login('alice', PASSWORD, alice.recoveryCodes[0]!)).status, 401);
      await Promise.all([c.close(), again.close(), recovery.close()]);
    });

    it('refuses a state-changing request without the CSRF token', async () => {
      const c = client();
      t.clock.advance(30_000);
      assert.equal((await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock))).status, 204);
      const without = await c.send('POST', '/api/dead-letters/purge', { all: true });
      assert.equal(without.status, 403);
      const wrong = await c.send(
        'POST',
        '/api/dead-letters/purge',
        { all: true },
        { 'x-csrf-token': 'nope' },
      );
      assert.equal(wrong.status, 403);
      const right = await c.write('POST', '/api/dead-letters/purge', { all: true });
      assert.equal(right.status, 200);
      assert.deepEqual(right.json(), { count: 0 });
      await c.close();
    });

    it('sets secrets write-only, ends sessions on timeouts, and logs out', async () => {
      const c = client();
      t.clock.advance(30_000);
      await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock));
      const set = await c.write('PATCH', '/api/tenants/acme/settings', {
        'dataverse.clientId': 'client-1',
        'dataverse.clientSecret': CLIENT_SECRET,
        'mailplus.consumerSecret': CONSUMER_SECRET,
      });
      assert.equal(set.status, 200, set.text);
      const shown = (await c.send('GET', '/api/tenants/acme')).json();
      assert.deepEqual(shown.settings.dataverse.clientSecret, { set: true });
      assert.equal(shown.settings.dataverse.clientId, 'client-1');
      const unknown = await c.write('PATCH', '/api/tenants/acme/settings', { 'dataverse.colour': 'red' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.json().error, /unknown setting "dataverse.colour"/);
      // Idle 30 minutes: the session is gone.
      t.clock.advance(31 * 60_000);
      assert.equal((await c.send('GET', '/api/session')).status, 401);
      await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock));
      assert.equal((await c.write('DELETE', '/api/session')).status, 204);
      assert.equal((await c.send('GET', '/api/session')).status, 401);
      await c.close();
    });

    it('shows a dead letter and its payload to an admin only, each view audited', async () => {
      await t.app.queue.enqueue([
        {
          tenantId: 'acme',
          queue: 'to-mailplus',
          payload: { contactId: 'c-1', email: 'x@example.nl' },
          key: 'c-1',
        },
      ]);
      const [message] = await t.app.queue.claim({ queue: 'to-mailplus', tenantId: 'acme' });
      await t.app.queue.deadLetter([message!], 'permanent', 'rejected by Mail+');
      const c = client();
      t.clock.advance(30_000);
      await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock));
      const list = (await c.send('GET', '/api/dead-letters?tenant=acme')).json();
      assert.equal(list.length, 1);
      assert.equal(list[0].description, undefined, 'the list shows no description');
      const seq = list[0].seq;
      assert.equal((await c.send('GET', `/api/dead-letters/${seq}`)).json().description, 'rejected by Mail+');
      const view = await c.send('GET', `/api/dead-letters/${seq}/payload`);
      assert.deepEqual(view.json(), { seq, payload: { contactId: 'c-1', email: 'x@example.nl' } });
      const actions = (await t.app.audit.list()).filter((e) => e.target === String(seq)).map((e) => e.action);
      assert.deepEqual(actions, ['dlq.view', 'dlq.view-payload']);
      t.clock.advance(30_000);
      const fg = client();
      await fg.login('fg', DPO_PASSWORD, codeAt(dpo.uri, t.clock));
      assert.equal((await fg.send('GET', `/api/dead-letters/${seq}/payload`)).status, 403);
      await Promise.all([c.close(), fg.close()]);
    });

    it('gives the DPO incidents, register and audit, never tenant settings or changes', async () => {
      const c = client();
      t.clock.advance(30_000);
      assert.equal((await c.login('fg', DPO_PASSWORD, codeAt(dpo.uri, t.clock))).status, 204);
      assert.equal(
        (await c.write('PATCH', '/api/tenants/acme/settings', { 'dataverse.clientId': 'x' })).status,
        403,
      );
      for (const path of [
        '/api/tenants/acme',
        '/api/tenants',
        '/api/dead-letters',
        '/api/status',
        '/api/keys',
      ])
        assert.equal((await c.send('GET', path)).status, 403, path);
      assert.equal((await c.send('GET', '/api/audit')).status, 200);
      assert.equal((await c.send('GET', '/api/audit/verify')).json().ok, true);
      assert.equal((await c.send('GET', '/api/register?format=json&lang=en')).status, 200);
      assert.equal((await c.send('GET', '/api/retention')).status, 200);
      const refused = (await t.app.audit.list()).filter((e) => e.actor === 'fg' && e.result === 'refused');
      assert.ok(refused.length >= 5, 'each refusal is audited');
      await c.close();
    });

    it('locks a username after 5 failed logins within 15 minutes, without saying so', async () => {
      const c = client();
      t.clock.advance(30_000);
      for (let i = 0; i < 5; i++)
        assert.equal((await c.login('alice', 'wrong password!', '000000')).status, 401);
      const locked = await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock));
      assert.equal(locked.status, 401);
      assert.deepEqual(locked.json(), { error: 'login failed: wrong username, password or code' });
      const events = await t.app.store.db
        .selectFrom('security_events')
        .select(['kind'])
        .where('kind', '=', 'admin.login-failed')
        .execute();
      assert.ok(events.length >= 6, 'every failure is a security event');
      t.clock.advance(15 * 60_000 + 1_000);
      assert.equal((await c.login('alice', PASSWORD, codeAt(alice.uri, t.clock))).status, 204);
      await c.close();
    });

    it('walks every GET route as admin and DPO, and no answer ever holds a secret', async () => {
      const admin = client();
      t.clock.advance(30_000);
      await admin.login('alice', PASSWORD, codeAt(alice.uri, t.clock));
      const doc = (await admin.send('GET', '/api/openapi.json')).json();
      const gets = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .filter(([, methods]) => 'get' in methods)
        .map(([path]) => path.replace('{id}', 'acme').replace('{seq}', '1'));
      for (const path of gets) {
        const reply = await admin.send('GET', path);
        assert.ok([200, 404].includes(reply.status), `${path}: ${reply.status} ${reply.text.slice(0, 200)}`);
      }
      const dpoSeen: string[] = [];
      const dpoClient = new AdminClient(server.url, server.certificate.cert, dpoSeen);
      await dpoClient.login('fg', DPO_PASSWORD, codeAt(dpo.uri, t.clock));
      for (const path of gets) await dpoClient.send('GET', path);
      assert.ok(
        seen.some((text) => text.includes('x@example.nl')),
        'the admin saw the dead letter payload (so the search below means something)',
      );
      assert.ok(
        !dpoSeen.some((text) => text.includes('x@example.nl')),
        'the DPO never sees a personal field',
      );
      seen.push(...dpoSeen);
      const secrets = [
        PASSWORD,
        DPO_PASSWORD,
        CLIENT_SECRET,
        CONSUMER_SECRET,
        ...alice.recoveryCodes.slice(1),
      ];
      const totpSecret = (uri: string) => new URL(uri).searchParams.get('secret')!;
      secrets.push(totpSecret(alice.uri), totpSecret(dpo.uri));
      const cookieToken = admin.cookie!.split('=')[1]!;
      secrets.push(cookieToken);
      assert.ok(seen.length > 50, `${seen.length} answers searched`);
      for (const secret of secrets)
        assert.ok(
          !seen.some((text) => text.includes(secret)),
          `an answer contained a secret (${secret.slice(0, 3)}…)`,
        );
      // Nor the store: sessions keep only a hash of the token.
      const rows = await t.app.store.db.selectFrom('admin_sessions').select('token_hash').execute();
      assert.ok(rows.every((r) => r.token_hash !== cookieToken));
      await Promise.all([admin.close(), dpoClient.close()]);
    });

    it('keeps an audit chain that verifies, and names the first edited entry', async () => {
      const before = await t.app.audit.verify();
      assert.equal(before.ok, true);
      const entries = await t.app.audit.list();
      assert.ok(entries.some((e) => e.action === 'session.login' && e.result === 'ok'));
      assert.ok(entries.some((e) => e.action === 'tenant.set' && e.target === 'acme'));
      assert.ok(entries.every((e) => !JSON.stringify(e).includes(CLIENT_SECRET)));
      const victim = entries[3]!;
      await t.app.store.db
        .updateTable('audit_log')
        .set({ result: 'ok', target: 'forged' })
        .where('seq', '=', victim.seq)
        .execute();
      const broken = await t.app.audit.verify();
      assert.equal(broken.ok, false);
      assert.equal(broken.ok === false && broken.badSeq, victim.seq);
      // Retention purges the oldest entries and records the hash the rest follow.
      await t.app.store.db
        .updateTable('audit_log')
        .set({ target: victim.target, result: victim.result })
        .where('seq', '=', victim.seq)
        .execute();
      assert.equal((await t.app.audit.verify()).ok, true);
      const total = (await t.app.audit.list()).length;
      t.clock.advance(366 * 86_400_000);
      await t.app.audit.append({ actor: 'cli:test', address: 'cli', action: 'test.later', result: 'ok' });
      const run = await t.app.retention.run();
      assert.equal(run.purged['audit-log'], total, 'everything older than server.auditRetentionDays');
      const kept = await t.app.audit.verify();
      assert.deepEqual(kept.ok && kept.entries, 1, 'the kept entry follows the recorded anchor');
    });
  });
}
