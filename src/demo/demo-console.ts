import { randomBytes } from 'node:crypto';
import { URI } from 'otpauth';
import type { App } from '../app.js';
import { AdminPortInUseError, type AdminServer, startAdminServer } from '../server/admin-server.js';
import type { SyncEngine } from '../sync/sync-engine.js';

export interface DemoConsole {
  server: AdminServer;
  username: string;
  password: string;
  /** The base32 TOTP secret, for an authenticator app (or `oathtool --totp -b`). */
  secret: string;
  lines: string[];
}

export const DEMO_ADMIN = 'demo';

/**
 * The console for `koppel demo`: the admin server on the configured port (any free one when that is
 * taken), and an administrator whose password and authenticator secret are printed, which is fine
 * only because the demo's store holds synthetic contacts and is replaced at every run.
 */
export async function openDemoConsole(app: App, engine: SyncEngine): Promise<DemoConsole> {
  // Not "demo-…": a password holding the username is refused as too easy to guess.
  const password = `try-${randomBytes(12).toString('base64url')}`;
  const enrolment = await app.admins.add(DEMO_ADMIN, 'admin', password);
  const secret = URI.parse(enrolment.uri).secret.base32;
  let server: AdminServer;
  try {
    server = await startAdminServer({ app, engine });
  } catch (error) {
    if (!(error instanceof AdminPortInUseError)) throw error;
    const anyPort = { ...app.config.server, port: 0 };
    server = await startAdminServer({ app: { ...app, config: { ...app.config, server: anyPort } }, engine });
  }
  const lines = [
    `  console:    ${server.url}/ (self-signed certificate: your browser asks once)`,
    `              sign in as ${DEMO_ADMIN}, password ${password}`,
    `              authenticator secret ${secret} (add it to an authenticator app for the 6-digit code)`,
    '              demo data only: a real koppel never prints a password or a secret',
  ];
  return { server, username: DEMO_ADMIN, password, secret, lines };
}
