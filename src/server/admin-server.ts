import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { App } from '../app.js';
import type { AuditInput } from '../audit/audit-log.js';
import { consoleRoutes } from '../console/console-routes.js';
import { ConfigError } from '../errors.js';
import { readiness } from '../metrics/readiness.js';
import { type StatusCertificate, statusCertificate } from '../status/status-certificate.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import { listenError } from '../tls/listen-error.js';
import { addressList, isAllowed } from './client-access.js';
import { auditPageRoutes } from './routes/audit-page-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { deadLetterOverviewRoutes } from './routes/dead-letter-overview-routes.js';
import { enrolmentRoutes } from './routes/enrolment-routes.js';
import { incidentAssessRoutes } from './routes/incident-assess-routes.js';
import { incidentBoardRoutes } from './routes/incident-board-routes.js';
import { incidentDocumentRoutes } from './routes/incident-document-routes.js';
import { incidentNotifyRoutes } from './routes/incident-notify-routes.js';
import { incidentRoutes } from './routes/incident-routes.js';
import { mappingPreviewRoutes } from './routes/mapping-preview-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { notificationsRoutes } from './routes/notifications-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { registerPdfRoutes } from './routes/register-pdf-routes.js';
import { runsRoutes } from './routes/runs-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { tenantContactsRoutes } from './routes/tenant-contacts-routes.js';
import { tenantPauseRoutes } from './routes/tenant-pause-routes.js';
import { tenantRemovalsRoutes } from './routes/tenant-removals-routes.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { tenantTerminateRoutes } from './routes/tenant-terminate-routes.js';
import { SESSION_COOKIE, sessionToken } from './session-cookie.js';

export interface AdminServerOptions {
  app: App;
  /** The sync of this process, for the status counters; `koppel server` alone has none. */
  engine?: SyncEngine;
}

export interface AdminServer {
  /** e.g. https://127.0.0.1:8443 */
  url: string;
  certificate: StatusCertificate;
  close(): Promise<void>;
}

/** The server as route modules see it: HTTPS, with zod schemas as the type provider. */
export type ZodServer = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What every route module gets: the app, an audit helper that fills in who and from where. */
export interface RouteDeps {
  app: App;
  engine?: SyncEngine;
  audit(request: FastifyRequest, entry: Omit<AuditInput, 'actor' | 'address'>): Promise<void>;
}

/** For a response schema that names some fields and lets the rest of a report through. */
export const loose = <T>(value: T) => value as T & Record<string, unknown>;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_LIMIT = 256 * 1024;

/**
 * The admin server: HTTPS only (TLS 1.2+), IP allowlist before any route, sessions with two factors,
 * a CSRF token per session for every state-changing request, strict security headers, rate limits.
 * Every /api route is described by zod schemas, which also make GET /api/openapi.json.
 */
export async function buildAdminServer(options: AdminServerOptions): Promise<{
  server: FastifyInstance;
  certificate: StatusCertificate;
}> {
  const { app } = options;
  const config = app.config.server;
  const certificate = await statusCertificate(
    { dataDir: app.config.dataDir, status: { ...app.config.status, tls: config.tls } },
    app.clock.now(),
  );
  const server = Fastify({
    https: { key: certificate.key, cert: certificate.cert, minVersion: 'TLSv1.2' },
    // Requests are not logged by Fastify: paths carry ids, and the audit log records what matters.
    logger: false,
    bodyLimit: BODY_LIMIT,
    requestTimeout: 30_000,
    connectionTimeout: 10_000,
    // Only the named proxies' X-Forwarded-For is believed; by default the header is ignored.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
  });
  // Before any route: a route without an access rule stops the start instead of being open by mistake.
  server.addHook('onRoute', (route) => {
    if (!route.config?.access) throw new Error(`route ${route.method} ${route.url} has no access rule`);
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);

  const allow = addressList(config.allow);
  // First of all: an address outside server.allow gets 403 before routing, sessions or bodies.
  server.addHook('onRequest', async (request, reply) => {
    if (isAllowed(allow, request.ip)) return;
    await app.securityEvents.record({
      kind: 'admin.address-refused',
      tenantId: null,
      subject: null,
      detail: { address: request.ip, method: request.method },
    });
    return reply.code(403).send({ error: 'forbidden' });
  });

  await server.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      // Pages served later load their script and style from this server only; nothing inline.
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: false },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });
  await server.register(rateLimit, { global: true, max: 300, timeWindow: 60_000 });

  // A session for every route that is not public, then the CSRF token for a state-changing one.
  server.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) {
      // Unknown routes (404) and anything without a rule: no answer before a session exists.
      if (!request.routeOptions.url) {
        const token = sessionToken(request);
        if (!token || !(await app.sessions.touch(token)))
          return reply.code(401).send({ error: 'not signed in' });
        return;
      }
      return reply.code(500).send({ error: 'internal error' });
    }
    if ('public' in access) return;
    const token = sessionToken(request);
    const session = token ? await app.sessions.touch(token) : undefined;
    if (!session) return reply.code(401).send({ error: 'not signed in' });
    request.session = session;
    if (STATE_CHANGING.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
        await app.securityEvents.record({
          kind: 'admin.csrf-refused',
          tenantId: null,
          subject: session.username,
          detail: { address: request.ip, method: request.method, route: request.routeOptions.url ?? null },
        });
        return reply.code(403).send({ error: 'missing or wrong x-csrf-token header' });
      }
    }
    if (!access.roles.includes(session.role)) {
      await audit(request, {
        action: 'access',
        target: request.routeOptions.url ?? null,
        result: 'refused',
        detail: { method: request.method, role: session.role },
      });
      return reply.code(403).send({ error: 'your role may not do this' });
    }
  });

  server.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
  server.setErrorHandler((error: FastifyError, _request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      // Paths and zod's messages only: never the values sent, which may be secrets.
      const issues = error.validation.map((v) => `${v.instancePath || '/'}: ${v.message}`);
      return reply.code(400).send({ error: 'bad request', issues });
    }
    if (error instanceof ConfigError)
      return reply.code(400).send({ error: 'bad request', issues: error.issues });
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500)
      app.log.error(
        { event: 'admin.error', error: error.name, reason: error.message },
        'admin API request failed',
      );
    return reply.code(status).send({ error: status === 500 ? 'internal error' : 'bad request' });
  });

  await server.register(swagger, {
    openapi: {
      info: { title: 'koppel admin API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  const audit: RouteDeps['audit'] = async (request, entry) => {
    await app.audit.append({ actor: request.session?.username ?? '-', address: request.ip, ...entry });
  };
  const deps: RouteDeps = { app, engine: options.engine, audit };
  const api = server.withTypeProvider<ZodTypeProvider>();
  api.get('/healthz', { schema: { hide: true }, config: { access: { public: true } } }, async () => ({
    ok: true,
  }));
  api.get(
    '/readyz',
    { schema: { hide: true }, config: { access: { public: true } } },
    async (_request, reply) => {
      // Ready when the store answers with this code's migrations; only failed check names are said.
      const result = await readiness(app);
      return result.ready ? { ready: true } : reply.code(503).send(result);
    },
  );
  api.get('/api/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () =>
    server.swagger(),
  );
  await server.register(async (scope) => {
    const routes = scope.withTypeProvider<ZodTypeProvider>();
    sessionRoutes(routes, deps);
    enrolmentRoutes(routes, deps);
    queueRoutes(routes, deps);
    deadLetterOverviewRoutes(routes, deps);
    tenantRoutes(routes, deps);
    tenantRemovalsRoutes(routes, deps);
    tenantTerminateRoutes(routes, deps);
    mappingPreviewRoutes(routes, deps);
    opsRoutes(routes, deps);
    incidentAssessRoutes(routes, deps);
    incidentDocumentRoutes(routes, deps);
    tenantContactsRoutes(routes, deps);
    notificationsRoutes(routes, deps);
    incidentNotifyRoutes(routes, deps);
    incidentBoardRoutes(routes, deps);
    incidentRoutes(routes, deps);
    registerPdfRoutes(routes, deps);
    auditPageRoutes(routes, deps);
    consoleRoutes(routes, deps);
    metricsRoutes(routes, deps);
    dashboardRoutes(routes, deps);
    runsRoutes(routes, deps);
    tenantPauseRoutes(routes, deps);
  });
  return { server, certificate };
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { app } = options;
  const { server, certificate } = await buildAdminServer(options);
  const { host, port } = app.config.server;
  try {
    await server.listen({ host, port });
  } catch (error) {
    await server.close();
    throw listenError(error as NodeJS.ErrnoException, {
      section: 'server',
      name: 'admin server',
      host,
      port,
      inUse: AdminPortInUseError,
    });
  }
  const address = server.server.address() as AddressInfo;
  const url = `https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  app.log.info(
    { event: 'admin.listening', url, selfSigned: certificate.selfSigned },
    'admin server listening',
  );
  return { url, certificate, close: () => server.close() };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The port is taken, e.g. by a second koppel on this machine. */
export class AdminPortInUseError extends ConfigError {}
