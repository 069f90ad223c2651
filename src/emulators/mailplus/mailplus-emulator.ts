import { randomBytes, randomInt } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Clock, seededRandom, systemClock } from '../../clock.js';
import { selfSignedCertificate } from '../../tls/self-signed.js';
import { FaultInjector, type FaultRates } from '../shared/faults.js';
import { type AccountProperty, DEFAULT_ACCOUNT_PROPERTIES } from './account-properties.js';
import { createAdmin, type MailplusEmulatorAdmin } from './admin.js';
import { ADMIN_PREFIX, handleAdmin } from './admin-routes.js';
import { type ApiContext, handleApi } from './api-handler.js';
import { ContactStore } from './contact-store.js';
import { errorReply, send } from './http-reply.js';
import { InteractionLog } from './interaction-log.js';
import { OAuthVerifier } from './oauth-verifier.js';
import { RequestRecorder } from './request-recorder.js';

export interface MailplusEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTPS with a fresh self-signed certificate (default); plain http is allowed on loopback only. */
  tls?: boolean;
  consumerKey?: string;
  consumerSecret?: string;
  seedContacts?: number;
  /** Seeds the synthetic data and the fault draws, so a run can be repeated exactly. */
  randomSeed?: number;
  faults?: FaultRates;
  clock?: Clock;
  properties?: readonly AccountProperty[];
  /** How long a change takes to show in the updates feed; default 2000 ms (see change-log.ts). */
  updatesLagMs?: number;
  /**
   * The largest pageSize the updates feed serves; default 10,000. The specification documents no
   * maximum; a finite one here keeps a client honest about paging and lets tests make it refuse.
   */
  maxUpdatesPageSize?: number;
  /** Accepted OAuth timestamp skew; default 300 s. */
  maxClockSkewSeconds?: number;
}

export interface MailplusEmulator {
  /** Scheme, host and port, e.g. https://127.0.0.1:41234; the client adds the base path. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** PEM to trust (the client's caCertificate option); undefined when tls is false. */
  caCertificate: string | undefined;
  admin: MailplusEmulatorAdmin;
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1)$/;

export async function startMailplusEmulator(
  options: MailplusEmulatorOptions = {},
): Promise<MailplusEmulator> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls ?? true;
  if (!tls && !LOOPBACK.test(host)) throw new Error(`Plain http is only allowed on loopback, not on ${host}`);
  const clock = options.clock ?? systemClock;
  const seed = options.randomSeed ?? randomInt(2 ** 31);
  const consumerKey = options.consumerKey ?? randomBytes(16).toString('hex');
  const consumerSecret = options.consumerSecret ?? randomBytes(24).toString('base64url');
  const random = seededRandom(seed);
  const store = new ContactStore({
    clock,
    random,
    properties: options.properties ?? DEFAULT_ACCOUNT_PROPERTIES,
    lagMs: options.updatesLagMs ?? 2000,
    maxUpdatesPageSize: options.maxUpdatesPageSize ?? 10_000,
  });
  const faults = new FaultInjector(seededRandom(seed ^ 0x5bd1e995), options.faults);
  const recorder = new RequestRecorder(clock);
  // Its own random stream: adding mailings must not change the seeded contacts.
  const interactions = new InteractionLog(
    clock,
    seededRandom(seed ^ 0x1f123bb5),
    options.updatesLagMs ?? 2000,
  );
  const admin = createAdmin({ store, interactions, faults, recorder, random, seed });
  if (options.seedContacts) admin.seed(options.seedContacts);
  const verifier = new OAuthVerifier({
    consumerKey,
    consumerSecret,
    clock,
    maxSkewSeconds: options.maxClockSkewSeconds,
  });
  const certificate = tls ? await selfSignedCertificate() : undefined;
  const api: ApiContext = { store, interactions, verifier, faults, recorder, scheme: tls ? 'https' : 'http' };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // Like any HTTP server, the service dates its answers; on the emulator's clock, so tests can skew it.
    res.setHeader('date', new Date(clock.now()).toUTCString());
    const work = req.url?.startsWith(`${ADMIN_PREFIX}/`)
      ? handleAdmin(admin, consumerSecret, req, res)
      : handleApi(api, req, res);
    work.catch(() => {
      if (res.headersSent) res.destroy();
      else send(req, res, errorReply(500, 'BACKEND_EXCEPTION', 'Internal error'));
    });
  };
  const server = certificate ? createHttpsServer(certificate, handler) : createHttpServer(handler);
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    baseUrl: `${tls ? 'https' : 'http'}://${hostInUrl}:${port}`,
    consumerKey,
    consumerSecret,
    caCertificate: certificate?.cert,
    admin,
    close: () => close(server),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Requests held open by the timeout fault would otherwise keep close() waiting forever.
    server.closeAllConnections();
  });
}
