import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';
import { isLoopbackHost } from '../connectors/http/is-loopback-host.js';
import { ConfigError } from '../errors.js';
import { listenError } from '../tls/listen-error.js';
import { metricsRefusal } from './metrics-access.js';
import { type LeaseReadiness, readiness } from './readiness.js';

export interface OpsListenerOptions {
  app: App;
  /** Default worker.listen.host (127.0.0.1). */
  host?: string;
  /** Default worker.listen.port (9464); 0 picks a free port. */
  port?: number;
  /** For /readyz: whether this worker holds its leases or needs none (the lease manager's answer). */
  lease?: LeaseReadiness;
}

export interface OpsListener {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/** The port is taken, e.g. by a second worker on this machine: give each its own worker.listen.port. */
export class OpsPortInUseError extends ConfigError {}

/**
 * A worker's small listener: GET /healthz (the process is alive), /readyz (store reachable, migrations
 * current, lease held or none needed) and /metrics (Prometheus). Plain HTTP, loopback by default, so
 * a worker needs no inbound port from outside: a local agent or the container runtime probes it.
 * /metrics answers a client from elsewhere only with metrics.token as a bearer token.
 */
export async function startOpsListener(options: OpsListenerOptions): Promise<OpsListener> {
  const { app } = options;
  const host = options.host ?? app.config.worker.listen.host;
  const port = options.port ?? app.config.worker.listen.port;
  const server = createServer((request, response) => {
    handle(options, request, response).catch(() => send(response, 500, { error: 'internal error' }));
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, {
      section: 'worker.listen',
      name: 'worker listener',
      host,
      port,
      inUse: OpsPortInUseError,
    });
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  app.log.info({ event: 'worker.listening', url }, 'worker listener (healthz, readyz, metrics) listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: OpsListenerOptions, request: IncomingMessage, response: ServerResponse) {
  const { app } = options;
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return send(response, 405, { error: 'only GET is served here' });
  if (path === '/healthz') return send(response, 200, { ok: true });
  if (path === '/readyz') {
    const result = await readiness(app, options.lease);
    return send(response, result.ready ? 200 : 503, result.ready ? { ready: true } : result);
  }
  if (path === '/metrics') {
    const client = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const refused = metricsRefusal(
      app.config.metrics.token,
      request.headers.authorization,
      isLoopbackHost(client),
    );
    if (refused) return send(response, refused.status, { error: refused.error });
    const { contentType, body } = await app.metrics.scrape();
    response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    return response.end(body);
  }
  return send(response, 404, { error: 'not found' });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
