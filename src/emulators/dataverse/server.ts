import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from '../../clock.js';
import type { Fault, FaultInjector } from '../shared/faults.js';
import type { EmulatorAdmin } from './admin.js';
import { type ApiResponse, DataverseFault, faultResponse } from './api-types.js';
import { handleBatch } from './batch.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import type { EntraEmulator } from './entra-id.js';
import type { RequestLog } from './request-log.js';
import type { ServiceProtection } from './service-protection.js';
import { handleApiRequest } from './web-api.js';

export const API_PATH = '/api/data/v9.2/';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ServerParts {
  ctx: EmulatorContext;
  entra: EntraEmulator;
  admin: EmulatorAdmin;
  protection: ServiceProtection;
  faultInjector: FaultInjector;
  log: RequestLog;
  clock: Clock;
  adminKey: string;
  newBoundary: () => string;
  /** Added before every Web API answer, to make concurrency limits reachable in tests. */
  latencyMs: () => number;
}

/** The request listener: identity endpoints, the admin endpoint, and the Web API behind auth, faults and limits. */
export function createRequestListener(parts: ServerParts) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const arrivedAt = parts.clock.now();
    readBody(req)
      .then((body) => dispatch(req, res, body, arrivedAt, parts))
      .catch(() => send(res, faultResponse(faults.unexpected())));
  };
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  arrivedAt: number,
  parts: ServerParts,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const method = req.method ?? 'GET';
  if (url.pathname.startsWith('/_emulator')) {
    const authorized = sameSecret(header(req, 'x-emulator-key'), parts.adminKey);
    return send(res, parts.admin.handleHttp(method, url.pathname, body, authorized));
  }
  const identity = parts.entra.handle(
    method,
    url.pathname,
    new URLSearchParams(body),
    header(req, 'client-request-id'),
  );
  if (identity) return send(res, identity);
  if (!url.pathname.startsWith(API_PATH))
    return send(res, faultResponse(faults.unknownSegment(url.pathname)));
  const path = url.pathname.slice(API_PATH.length);
  const record = (status: number, fault?: string) =>
    parts.log.record({ at: arrivedAt, method, path, status, ...(fault ? { fault } : {}) });

  const fault = parts.faultInjector.draw();
  if (fault && fault.kind !== 'slow') return injectFault(fault, req, res, record);
  if (fault?.kind === 'slow') await delay(fault.delayMs);

  const user = parts.entra.verify(header(req, 'authorization'));
  if (!user) {
    record(401);
    return send(res, parts.entra.unauthorized());
  }
  const admission = parts.protection.admit(user);
  if (!admission.ok) {
    record(429);
    return send(res, faultResponse(admission.fault));
  }
  const started = performance.now();
  try {
    const latency = parts.latencyMs();
    if (latency > 0) await delay(latency);
    const apiReq = { method, path, query: url.search.slice(1), headers: lowerHeaders(req), body };
    const response =
      path === '$batch' && method === 'POST'
        ? handleBatch(apiReq, parts.ctx, parts.newBoundary)
        : handleApiRequest(apiReq, parts.ctx);
    response.headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = String(admission.remaining);
    record(response.status);
    send(res, response);
  } finally {
    admission.release(performance.now() - started);
  }
}

function injectFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  record: (s: number, f: string) => void,
): void {
  switch (fault.kind) {
    case 'status': {
      record(fault.status, `status-${fault.status}`);
      const injected = {
        429: new DataverseFault(
          429,
          '0x80072322',
          'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
          {
            'Retry-After': String(fault.retryAfterSeconds ?? 1),
          },
        ),
        500: faults.unexpected(),
        503: new DataverseFault(503, '0x0', 'Service Unavailable'),
      }[fault.status];
      send(res, faultResponse(injected));
      return;
    }
    case 'reset':
      record(0, 'reset');
      req.socket.destroy();
      return;
    default:
      // A timeout: never answer; the client gives up, and close() drops the connection.
      record(0, 'timeout');
  }
}

function send(res: ServerResponse, response: ApiResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body =
    response.body === undefined
      ? ''
      : typeof response.body === 'string'
        ? response.body
        : JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...response.headers,
    ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(', ') : (v ?? ''),
    ]),
  );
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const [a, b] = [Buffer.from(given ?? ''), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Network latency and slow answers pass on the wall clock on purpose: what they imitate is measured by
 * the client's socket timeout and by the benchmarks, both in real time.
 */
function delay(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}
