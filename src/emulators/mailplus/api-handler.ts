import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock } from '../../clock.js';
import type { Fault, FaultInjector } from '../shared/faults.js';
import { type ApiRequest, routeContactApi } from './contact-routes.js';
import type { ContactStore } from './contact-store.js';
import { BodyTooLargeError, errorReply, type Reply, readBody, send } from './http-reply.js';
import type { InteractionLog } from './interaction-log.js';
import { routeInteractionApi } from './interaction-routes.js';
import type { OAuthVerifier } from './oauth-verifier.js';
import type { RequestRecorder } from './request-recorder.js';

/**
 * One Mail+ API request: fault injection first (as a gateway in front of the service would), then the
 * OAuth check, then the contact routes. Both base paths serve the same API (spotler.md §1.1).
 */
export interface ApiContext {
  store: ContactStore;
  /** Mailings and the interaction feeds. */
  interactions: InteractionLog;
  verifier: OAuthVerifier;
  /** Scripted faults first (FaultInjector.inject), then random draws. */
  faults: FaultInjector;
  recorder: RequestRecorder;
  scheme: 'http' | 'https';
}

const BASE_PATHS = ['/integrationservice-1.1.0', '/integrationservice'];

export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `${ctx.scheme}://${req.headers.host ?? 'localhost'}`);
  const base = BASE_PATHS.find((b) => url.pathname === b || url.pathname.startsWith(`${b}/`));
  const path = base ? url.pathname.slice(base.length) : url.pathname;
  const record = ctx.recorder.start(req, url, path);
  const fault = ctx.faults.draw();
  if (fault && (await applyFault(fault, req, res))) {
    record.finish(fault.kind === 'status' ? fault.status : 0, `fault:${fault.kind}`);
    return;
  }
  let text: string;
  try {
    text = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    return reply(errorReply(413, 'INVALID_PARAMS', 'Request body too large'));
  }
  record.body(text);
  if (!base) return reply(errorReply(404, 'RESOURCE_NOT_FOUND', 'Resource not found'));
  const verdict = ctx.verifier.verify({
    method: req.method ?? 'GET',
    url,
    authorization: req.headers.authorization,
  });
  if (!verdict.ok) return reply(errorReply(401, 'NOT_AUTHORIZED', verdict.message));
  const body = parseBody(text);
  if (body === INVALID) return reply(errorReply(400, 'INVALID_PARAMS', 'Body is not valid JSON'));
  const request: ApiRequest = {
    method: req.method ?? 'GET',
    path: withoutTrailingSlash(path),
    query: url.searchParams,
    body,
    url,
  };
  return reply(routeInteractionApi(ctx.interactions, request) ?? routeContactApi(ctx.store, request));

  function reply(answer: Reply): void {
    send(req, res, answer);
    record.finish(answer.status);
  }
}

/**
 * `/contact/` routes as `/contact`: the service is a JAX-RS application, which ignores one trailing
 * slash, and clients generated from its specification send one. Only routing drops it; the OAuth
 * signature was checked above against the URL as sent.
 */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** True when the fault replaced the response; a slow fault only delays it. */
async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'status': {
      const headers: Record<string, string> =
        fault.status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
      const message = fault.status === 429 ? 'Too many requests' : 'The service is temporarily unavailable';
      req.resume();
      send(req, res, errorReply(fault.status, 'BACKEND_EXCEPTION', message, headers));
      return true;
    }
    case 'timeout':
      // Never answer; the client must give up on its own. close() destroys the socket.
      req.resume();
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'slow':
      // On the wall clock on purpose: the client's socket timeout, which it imitates, runs in real time.
      await systemClock.sleep(fault.delayMs);
      return false;
  }
}

const INVALID = Symbol('invalid');

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}
