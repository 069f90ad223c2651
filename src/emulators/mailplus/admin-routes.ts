import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRates } from '../shared/faults.js';
import type { MailplusEmulatorAdmin } from './admin.js';
import { errorReply, noContent, type Reply, readBody, send } from './http-reply.js';

/**
 * The admin endpoint of a standalone emulator, under /_emulator, for seeding and inspecting state from
 * another process. It is not part of the Mail+ API; it is protected by `Authorization: Bearer <consumer
 * secret>`, so whoever can use the API can also drive the emulator, and nobody else.
 *
 *   POST /_emulator/seed {count}                      GET  /_emulator/contacts[/{externalId}]
 *   POST /_emulator/contacts/{id}/edit {properties}   POST /_emulator/contacts/{id}/unsubscribe {bit}
 *   POST /_emulator/contacts/{id}/opt-out             POST /_emulator/contacts/{id}/resubscribe {bits}
 *   PUT  /_emulator/faults {rates}                    GET  /_emulator/requests
 */
export const ADMIN_PREFIX = '/_emulator';

export async function handleAdmin(
  admin: MailplusEmulatorAdmin,
  secret: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const text = await readBody(req, 64 * 1024);
  if (!authorized(req.headers.authorization, secret)) {
    return send(req, res, errorReply(401, 'NOT_AUTHORIZED', 'Admin endpoint needs the consumer secret'));
  }
  const path = new URL(req.url ?? '/', 'http://emulator').pathname.slice(ADMIN_PREFIX.length);
  try {
    send(req, res, route(admin, req.method ?? 'GET', path, text ? JSON.parse(text) : {}));
  } catch (error) {
    send(req, res, errorReply(400, 'INVALID_PARAMS', error instanceof Error ? error.message : String(error)));
  }
}

function route(
  admin: MailplusEmulatorAdmin,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Reply {
  if (method === 'POST' && path === '/seed') {
    return { status: 200, body: { externalIds: admin.seed(positiveInt(body.count)) } };
  }
  if (method === 'GET' && path === '/contacts') return { status: 200, body: admin.contacts() };
  if (method === 'POST' && path === '/mailings') {
    const rate = (value: unknown) =>
      typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
    const simulated = admin.simulateMailing({
      name: typeof body.name === 'string' ? body.name : 'Emulated mailing',
      subject: typeof body.subject === 'string' ? body.subject : 'Emulated subject',
      openRate: rate(body.openRate),
      clickRate: rate(body.clickRate),
      bounceRate: rate(body.bounceRate),
    });
    return { status: 200, body: simulated };
  }
  if (method === 'GET' && path === '/requests') return { status: 200, body: admin.requestCounts() };
  if (method === 'PUT' && path === '/faults') {
    admin.setFaults((body.rates ?? {}) as FaultRates);
    return noContent;
  }
  const match = /^\/contacts\/([^/]+)(?:\/([a-z-]+))?$/.exec(path);
  if (!match) return errorReply(404, 'RESOURCE_NOT_FOUND', 'Unknown admin route');
  const id = decodeURIComponent(match[1]!);
  const action = match[2];
  if (method === 'GET' && !action) {
    const contact = admin.contact(id);
    return contact
      ? { status: 200, body: contact }
      : errorReply(404, 'CONTACT_NOT_FOUND', 'Given contact not found');
  }
  if (method !== 'POST') return errorReply(404, 'RESOURCE_NOT_FOUND', 'Unknown admin route');
  if (action === 'edit') admin.edit(id, (body.properties ?? {}) as Record<string, unknown>);
  else if (action === 'unsubscribe') admin.unsubscribe(id, positiveInt(body.bit));
  else if (action === 'opt-out') admin.optOut(id);
  else if (action === 'resubscribe') admin.resubscribe(id, ((body.bits as unknown[]) ?? []).map(positiveInt));
  else return errorReply(404, 'RESOURCE_NOT_FOUND', 'Unknown admin route');
  return noContent;
}

function positiveInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Error('Expected a positive integer');
  }
  return value;
}

function authorized(header: string | undefined, secret: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(secret);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
