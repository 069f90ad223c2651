import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError } from 'fastify';
import type { App } from '../app.js';
import { type Clock, systemClock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import { listenError } from '../tls/listen-error.js';
import { securityHeaders } from './security-headers.js';
import { type StatusCertificate, statusCertificate } from './status-certificate.js';
import { deadLetterReport, statusReport } from './status-report.js';

export interface StatusServerOptions {
  app: App;
  /** The sync of this process; without it /status shows queues and retention but no sync counters. */
  engine?: SyncEngine;
  config: KoppelConfig;
  log: Logger;
  clock?: Clock;
}

export interface StatusServer {
  /** e.g. https://127.0.0.1:8787 */
  url: string;
  certificate: StatusCertificate;
  close(): Promise<void>;
}

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_DEAD_LETTERS = 1_000;

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The read-only status API, HTTPS only: GET /health, /status and /tenants/:id/dead-letters. It answers
 * with ids and numbers, never personal data, and changes nothing. Callers check status.enabled.
 */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const { app, engine, config, log } = options;
  const clock = options.clock ?? systemClock;
  const certificate = await statusCertificate(config, clock.now());
  const server = Fastify({
    https: { key: certificate.key, cert: certificate.cert, minVersion: 'TLSv1.2' },
    // Requests are not logged: the routes are fixed and the answers count things, nothing to trace.
    logger: false,
    bodyLimit: 1024,
    requestTimeout: 10_000,
    connectionTimeout: 10_000,
  });
  server.addHook('onSend', securityHeaders);
  server.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  server.setErrorHandler((error: FastifyError, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      log.error(
        { event: 'status.error', error: error.name, reason: error.message },
        'status API request failed',
      );
    }
    // Never the stack, and for a server error not even the message: it may name internals.
    return reply.code(status).send({ error: status === 500 ? 'internal error' : 'bad request' });
  });

  server.get('/health', async () => ({ ok: true, version: VERSION }));
  server.get('/status', async () => statusReport(app, engine, VERSION, clock.now()));
  server.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
    '/tenants/:id/dead-letters',
    async (request, reply) => {
      const { id } = request.params;
      const known = TENANT_ID.test(id) && (await app.tenants.list()).some((t) => t.id === id);
      if (!known) return reply.code(404).send({ error: 'no such tenant' });
      const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTERS)
        return reply.code(400).send({ error: `limit must be a whole number from 1 to ${MAX_DEAD_LETTERS}` });
      return deadLetterReport(app, id, limit, clock.now());
    },
  );

  const { host, port } = config.status;
  try {
    await server.listen({ host, port });
  } catch (error) {
    await server.close();
    throw listenError(error as NodeJS.ErrnoException, {
      section: 'status',
      name: 'status API',
      host,
      port,
      inUse: StatusPortInUseError,
    });
  }
  const address = server.server.address() as AddressInfo;
  const url = `https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  if (certificate.selfSigned) {
    log.warn(
      {
        event: 'status.self-signed',
        url,
        fingerprint: certificate.fingerprint,
        certFile: certificate.certFile,
      },
      'status API uses a self-signed certificate: pin its SHA-256 fingerprint or trust the certificate file',
    );
  }
  log.info({ event: 'status.listening', url, selfSigned: certificate.selfSigned }, 'status API listening');
  return { url, certificate, close: () => server.close() };
}

/** The port is taken, e.g. by a second worker on this machine: `koppel start` syncs on without the API. */
export class StatusPortInUseError extends ConfigError {}
