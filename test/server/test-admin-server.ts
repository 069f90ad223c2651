import assert from 'node:assert/strict';
import type { Enrolment } from '../../src/admin/admin-store.js';
import { createLogger } from '../../src/log/logger.js';
import { type AdminServer, startAdminServer } from '../../src/server/admin-server.js';
import { createTestApp, type TestApp } from '../helpers/stores.js';
import { AdminClient, codeAt } from './admin-client.js';

export const ADMIN_PASSWORD = 'violet-harbour-lantern-42';
export const DPO_PASSWORD = 'quiet-meadow-compass-17';

export interface TestAdminServer {
  t: TestApp;
  server: AdminServer;
  /** A new client signed in (password and a TOTP code at the manual clock's time) as this account. */
  signIn(username: string): Promise<AdminClient>;
  /** The account's password and its TOTP code now (the manual clock's time), to sign in by hand. */
  credentials(username: string): { password: string; code: string };
  close(): Promise<void>;
}

/**
 * A koppel on SQLite with its admin server on a free loopback port, the named accounts (admins with
 * ADMIN_PASSWORD, DPOs with DPO_PASSWORD) and tenants; `prepare` runs before the server starts.
 */
export async function startTestAdminServer(options: {
  admins?: string[];
  dpos?: string[];
  tenants?: Record<string, string>;
  prepare?: (t: TestApp) => Promise<void>;
  /** Configuration overrides on top of the loopback server settings. */
  overrides?: Record<string, unknown>;
}): Promise<TestAdminServer> {
  const t = await createTestApp(
    'sqlite',
    { server: { host: '127.0.0.1', port: 0, allow: ['127.0.0.1/32', '::1/128'] }, ...options.overrides },
    { log: createLogger('silent') },
  );
  const accounts = new Map<string, { enrolment: Enrolment; password: string }>();
  for (const username of options.admins ?? [])
    accounts.set(username, {
      enrolment: await t.app.admins.add(username, 'admin', ADMIN_PASSWORD),
      password: ADMIN_PASSWORD,
    });
  for (const username of options.dpos ?? [])
    accounts.set(username, {
      enrolment: await t.app.admins.add(username, 'dpo', DPO_PASSWORD),
      password: DPO_PASSWORD,
    });
  for (const [id, name] of Object.entries(options.tenants ?? {})) await t.app.tenants.add(id, name);
  await options.prepare?.(t);
  const server = await startAdminServer({ app: t.app });
  const clients: AdminClient[] = [];
  return {
    t,
    server,
    async signIn(username) {
      const account = accounts.get(username);
      if (!account) throw new Error(`no test account ${username}`);
      const client = new AdminClient(server.url, server.certificate.cert);
      clients.push(client);
      const reply = await client.login(username, account.password, codeAt(account.enrolment.uri, t.clock));
      assert.equal(reply.status, 204, `sign-in of ${username}`);
      return client;
    },
    credentials(username) {
      const account = accounts.get(username);
      if (!account) throw new Error(`no test account ${username}`);
      return { password: account.password, code: codeAt(account.enrolment.uri, t.clock) };
    },
    async close() {
      for (const client of clients) await client.close();
      await server.close();
      await t.close();
    },
  };
}
