import { URI } from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { RouteDeps, ZodServer } from '../admin-server.js';
import { PUBLIC } from '../route-access.js';
import { GENERIC, openSession, recordFailedSignIn } from './session-routes.js';

const error = z.object({ error: z.string() });
// As loose as the sign-in itself: a missing field is one more failed attempt, never a 400 saying which.
const account = z.object({
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
});
const LIMIT = { max: 20, timeWindow: 60_000 };

/**
 * Enrolment in the console, for an account made with `koppel admin add --enrol-in-console`: the owner
 * proves the password, is shown a new authenticator secret (QR code and text) and the recovery codes
 * once, and confirms with a first code, which opens the first session. Failures count towards the
 * sign-in lockout like any failed sign-in.
 */
export function enrolmentRoutes(server: ZodServer, { app }: RouteDeps): void {
  server.post(
    '/api/session/enrolment',
    {
      config: { access: PUBLIC, rateLimit: LIMIT },
      schema: {
        summary: 'Start enrolling: a new TOTP secret (QR code as SVG) and recovery codes, shown this once',
        body: account,
        response: {
          200: z.object({
            uri: z.string(),
            secret: z.string(),
            qrSvg: z.string(),
            recoveryCodes: z.array(z.string()),
          }),
          401: error,
        },
      },
    },
    async (request, reply) => {
      const { username = '', password = '' } = request.body ?? {};
      const locked = await app.loginThrottle.locked(username, request.ip);
      const enrolment = locked ? undefined : await app.admins.startEnrolment(username, password);
      if (!enrolment) {
        await recordFailedSignIn(app, username, request.ip, locked);
        return reply.code(401).send(GENERIC);
      }
      await app.audit.append({
        actor: username,
        address: request.ip,
        action: 'admin.enrolment-started',
        target: username,
        result: 'ok',
      });
      const qrSvg = await QRCode.toString(enrolment.uri, { type: 'svg', margin: 2 });
      return { ...enrolment, secret: URI.parse(enrolment.uri).secret.base32, qrSvg };
    },
  );

  server.post(
    '/api/session/enrolment/confirm',
    {
      config: { access: PUBLIC, rateLimit: LIMIT },
      schema: {
        summary: 'Finish enrolling with a first code from the new authenticator; sets the session cookie',
        body: account.extend({ code: z.string().max(64).optional() }),
        response: { 204: z.null(), 401: error },
      },
    },
    async (request, reply) => {
      const { username = '', password = '', code = '' } = request.body ?? {};
      const locked = await app.loginThrottle.locked(username, request.ip);
      const done = locked ? undefined : await app.admins.finishEnrolment(username, password, code);
      if (!done) {
        await recordFailedSignIn(app, username, request.ip, locked);
        return reply.code(401).send(GENERIC);
      }
      await app.audit.append({
        actor: done.username,
        address: request.ip,
        action: 'admin.enrolled',
        target: done.username,
        result: 'ok',
      });
      await openSession(app, reply, done.username, request.ip);
      return reply.code(204).send(null);
    },
  );
}
