import type { ApiRequest } from './contact-routes.js';
import { errorReply, type Reply } from './http-reply.js';
import {
  EMULATED_INTERACTION_TYPES,
  type EmulatedInteractionType,
  type InteractionLog,
} from './interaction-log.js';

/** The largest pageSize the interaction feeds serve (the SPEC documents none). */
export const MAX_INTERACTIONS_PAGE_SIZE = 10_000;
const DEFAULT_PAGE_SIZE = 100;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const invalidParams = (message: string) => errorReply(400, 'INVALID_PARAMS', message);

/**
 * `GET /mailing-interaction/{sent,opened,clicked,bounced}` and `GET /mailing/{encryptedMailingId}`
 * with the SPEC's shapes: sent items add name, subject and onlineVersionLink, bounced items add
 * bounceType; dates are ISO 8601. Null when the request is not one of these (the contact routes next).
 */
export function routeInteractionApi(log: InteractionLog, request: ApiRequest): Reply | null {
  if (request.method !== 'GET') return null;
  const feed = /^\/mailing-interaction\/([a-z]+)$/.exec(request.path);
  if (feed) {
    const type = feed[1] as EmulatedInteractionType;
    if (!EMULATED_INTERACTION_TYPES.includes(type))
      return errorReply(404, 'RESOURCE_NOT_FOUND', 'Resource not found');
    return interactions(log, type, request);
  }
  const mailing = /^\/mailing\/([^/]+)$/.exec(request.path);
  if (mailing) {
    const found = log.mailings.get(decodeURIComponent(mailing[1]!));
    if (!found) return errorReply(404, 'MAILING_NOTFOUND', 'Given mailing not found');
    return {
      status: 200,
      body: {
        encryptedId: found.encryptedId,
        name: found.name,
        scheduledStartDate: iso(found.scheduledStartDate),
        type: 'EMAIL',
        sentCount: log.count('sent'),
        sender: 'Emulated sender',
        targetGroup: 'Emulated target group',
        message: { name: found.name, author: 'Emulator', subject: found.subject, fromName: 'Emulator' },
        links: found.links,
      },
    };
  }
  return null;
}

function interactions(log: InteractionLog, type: EmulatedInteractionType, request: ApiRequest): Reply {
  const dates: Record<string, number | undefined> = {};
  for (const name of ['fromDate', 'toDate', 'fromChangeDate', 'toChangeDate']) {
    const value = request.query.get(name);
    if (value === null) continue;
    if (!ISO_DATE_TIME.test(value)) return invalidParams(`Invalid ${name}`);
    dates[name] = Date.parse(value);
  }
  const pageSize = Number(request.query.get('pageSize') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_INTERACTIONS_PAGE_SIZE) {
    return invalidParams(`Invalid pageSize (1 to ${MAX_INTERACTIONS_PAGE_SIZE})`);
  }
  const after = Number(request.query.get('after') ?? 0);
  if (!Number.isInteger(after) || after < 0) return invalidParams('Invalid after');
  const page = log.query(type, {
    fromMs: dates.fromDate,
    toMs: dates.toDate,
    fromChangeMs: dates.fromChangeDate,
    toChangeMs: dates.toChangeDate,
    after,
    pageSize,
  });
  const items = page.items.map((item) => {
    const mailing = log.mailings.get(item.encryptedMailingId)!;
    return {
      id: item.id,
      externalContactId: item.externalContactId,
      encryptedMailingId: item.encryptedMailingId,
      date: iso(item.date),
      changeDate: iso(item.changeDate),
      ...(type === 'sent'
        ? {
            name: mailing.name,
            subject: mailing.subject,
            onlineVersionLink: `https://view.mailplus.invalid/${mailing.encryptedId}`,
          }
        : {}),
      ...(type === 'bounced' ? { bounceType: item.bounceType ?? 'SOFT' } : {}),
    };
  });
  if (page.after === undefined) return { status: 200, body: { paging: {}, interactions: items } };
  const next = new URL(request.url);
  next.searchParams.set('after', String(page.after));
  return { status: 200, body: { paging: { next: next.href, after: page.after }, interactions: items } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
