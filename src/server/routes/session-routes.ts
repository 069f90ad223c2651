import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DUMMY_HASH, verifyPassword } from '../../admin/password.js';
import type { App } from '../../app.js';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { ADMIN_AND_DPO, PUBLIC } from '../route-access.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../session-cookie.js';

const error = z.object({ error: z.string() });
// Loose on purpose: a missing or odd field is one more failed login (401), never a 400 that says which.
const credentials = z.object({
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
  code: z.string().max(64).optional(),
});
export const GENERIC = { error: 'login failed: wrong username, password or code' };
const ENROL = {
  error: 'this account has no authenticator yet: set it up at /enrol',
  enrol: true as const,
};

export function sessionRoutes(server: ZodServer, { app, audit }: RouteDeps): void {
  server.post(
    '/api/session',
    {
      config: { access: PUBLIC, rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        summary: 'Sign in with username, password and a TOTP or recovery code; sets the session cookie',
        body: credentials,
        response: { 204: z.null(), 401: error, 409: error.extend({ enrol: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const { username = '', password = '', code = '' } = request.body ?? {};
      const address = request.ip;
      const locked = await app.loginThrottle.locked(username, address);
      // A locked login costs the same scrypt as any other, so the time taken does not reveal the lock;
      // the code is not checked, so a code typed during the lock is not used up.
      const account = locked
        ? await verifyPassword(password, DUMMY_HASH).then(() => undefined)
        : await app.admins.authenticate(username, password, code);
      if (!account) {
        await recordFailedSignIn(app, username, address, locked);
        return reply.code(401).send(GENERIC);
      }
      if (account.enrolmentPending) {
        await app.audit.append({
          actor: account.username,
          address,
          action: 'session.login',
          result: 'refused',
          detail: { enrolmentPending: true },
        });
        return reply.code(409).send(ENROL);
      }
      await openSession(app, reply, account.username, address);
      return reply.code(204).send(null);
    },
  );

  server.get(
    '/api/session',
    {
      config: { access: ADMIN_AND_DPO },
      schema: {
        summary: 'Who is signed in, with the CSRF token to send as x-csrf-token',
        response: {
          200: z.object({ username: z.string(), role: z.enum(['admin', 'dpo']), csrfToken: z.string() }),
        },
      },
    },
    async (request) => {
      const session = request.session!;
      return { username: session.username, role: session.role, csrfToken: session.csrfToken };
    },
  );

  server.delete(
    '/api/session',
    {
      config: { access: ADMIN_AND_DPO },
      schema: { summary: 'Sign out', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await app.sessions.delete(token);
      clearSessionCookie(reply);
      await audit(request, { action: 'session.logout', result: 'ok' });
      return reply.code(204).send(null);
    },
  );
}

/** Counted towards the lockout, and a security event; only a real account's name is recorded. */
export async function recordFailedSignIn(app: App, username: string, address: string, locked: boolean) {
  await app.loginThrottle.recordFailure(username, address);
  // What was typed may be a password or an e-mail address, so an unknown name is not written down.
  const known = (await app.admins.get(username))?.username ?? null;
  await app.securityEvents.record({
    kind: 'admin.login-failed',
    tenantId: null,
    subject: known,
    detail: { address, locked },
  });
  await app.audit.append({
    actor: known ?? '-',
    address,
    action: 'session.login',
    result: 'refused',
    detail: { locked },
  });
}

export async function openSession(app: App, reply: FastifyReply, username: string, address: string) {
  await app.sessions.purgeExpired();
  const { token, csrfToken } = await app.sessions.create(username, address);
  setSessionCookie(reply, token);
  reply.header('x-csrf-token', csrfToken);
  await app.audit.append({ actor: username, address, action: 'session.login', result: 'ok' });
}
