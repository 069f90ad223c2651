import { toWireProperty } from './account-properties.js';
import type { ContactStore, ContactWrite, WriteResult } from './contact-store.js';
import { errorReply, noContent, type Reply } from './http-reply.js';
import { toWireContact } from './wire-contact.js';

/**
 * The `/contact` endpoints koppel uses, with the specification's shapes and status codes (spotler.md
 * §1.4): 204 on writes, 404 "Given contact not found", 400 ErrorResponse on invalid input, and the bulk
 * call's per-contact codes behind a 200.
 */
export interface ApiRequest {
  method: string;
  /** Path below the base path, e.g. /contact/list. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The absolute URL of this request, for paging links. */
  url: URL;
}

export const MAX_BULK = 100;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const notFound = () => errorReply(404, 'CONTACT_NOT_FOUND', 'Given contact not found');
const invalidParams = (message: string) => errorReply(400, 'INVALID_PARAMS', message);

export function routeContactApi(store: ContactStore, request: ApiRequest): Reply {
  const { method, path } = request;
  if (path === '/contact/properties/list' && method === 'GET') {
    return { status: 200, body: store.properties.map(toWireProperty) };
  }
  if (path === '/contact' && method === 'POST') return writeOne(store, request.body, null);
  if (path === '/contact/list' && method === 'POST') return writeMany(store, request.body);
  if (path === '/contact/updates/list' && method === 'GET') return updates(store, request);
  const anonymize = /^\/contact\/anonymize\/([^/]+)$/.exec(path);
  if (anonymize && method === 'PUT') {
    return store.anonymize(decodeURIComponent(anonymize[1]!)) ? noContent : notFound();
  }
  const single = /^\/contact\/([^/]+)$/.exec(path);
  if (single && method === 'GET') {
    const contact = store.get(decodeURIComponent(single[1]!));
    return contact ? { status: 200, body: toWireContact(contact, store.properties) } : notFound();
  }
  if (single && method === 'PUT') return writeOne(store, request.body, decodeURIComponent(single[1]!));
  return errorReply(404, 'RESOURCE_NOT_FOUND', 'Resource not found');
}

/** POST /contact (pathId null) or PUT /contact/{externalId}. */
function writeOne(store: ContactStore, body: unknown, pathId: string | null): Reply {
  const request = contactRequest(body);
  if (typeof request === 'string') return invalidParams(request);
  const contact = { ...request.contact, externalId: request.contact.externalId ?? pathId ?? '' };
  if (!contact.externalId) return invalidParams('Contact without externalId found');
  if (pathId !== null && contact.externalId !== pathId) {
    return invalidParams('externalId in the body differs from the path');
  }
  const mode =
    pathId === null
      ? { allowCreate: true, allowUpdate: request.update, purge: request.purge }
      : { allowCreate: false, allowUpdate: true, purge: request.purge };
  return replyFor(store.write(contact as ContactWrite, mode));
}

function replyFor(result: WriteResult): Reply {
  switch (result.code) {
    case 'OK':
      return noContent;
    case 'CONTACT_UNKNOWN':
      return notFound();
    case 'PROPERTY_INVALID':
      return errorReply(400, 'INVALID_PROPERTY', result.message);
    case 'NO_ACTIVE_CHANNEL':
      return errorReply(400, 'INVALID_STATE', result.message);
    default:
      return errorReply(400, result.code, result.message);
  }
}

function writeMany(store: ContactStore, body: unknown): Reply {
  const flags = writeFlags(body);
  if (typeof flags === 'string') return invalidParams(flags);
  const contacts = (body as { contacts?: unknown }).contacts;
  if (!Array.isArray(contacts)) return invalidParams('contacts must be a list');
  if (contacts.length > MAX_BULK) return invalidParams(`Too many contacts provided (max is ${MAX_BULK})`);
  if (!contacts.every(hasExternalId)) return invalidParams('Contact without externalId found');
  const mode = { allowCreate: true, allowUpdate: flags.update, purge: flags.purge };
  const results = contacts.map((contact) => {
    const result = store.write(contact, mode);
    return result.code === 'OK'
      ? { externalId: contact.externalId, code: 'OK' }
      : { externalId: contact.externalId, code: result.code, message: result.message };
  });
  return { status: 200, body: results };
}

function updates(store: ContactStore, request: ApiRequest): Reply {
  const fromDate = request.query.get('fromDate') ?? '';
  const toDate = request.query.get('toDate') ?? '';
  if (!ISO_DATE_TIME.test(fromDate)) return invalidParams('Invalid fromDate or no fromDate given');
  if (!ISO_DATE_TIME.test(toDate)) return invalidParams('Invalid toDate or no toDate given');
  const pageSize = Number(request.query.get('pageSize'));
  const max = store.maxUpdatesPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
    return invalidParams(`Invalid pageSize or no pageSize given (1 to ${max})`);
  }
  const after = Number(request.query.get('after') ?? 0);
  if (!Number.isInteger(after) || after < 0) return invalidParams('Invalid after');
  const page = store.changes.query({
    fromMs: Date.parse(fromDate),
    toMs: Date.parse(toDate),
    after,
    pageSize,
  });
  const contacts = page.externalIds.map((id) => toWireContact(store.get(id)!, store.properties));
  if (page.after === undefined) return { status: 200, body: { paging: {}, contacts } };
  const next = new URL(request.url);
  next.searchParams.set('after', String(page.after));
  return { status: 200, body: { paging: { next: next.href, after: page.after }, contacts } };
}

type ContactRequestBody = { update: boolean; purge: boolean; contact: Partial<ContactWrite> };

function contactRequest(body: unknown): ContactRequestBody | string {
  const flags = writeFlags(body);
  if (typeof flags === 'string') return flags;
  const contact = (body as { contact?: unknown }).contact;
  if (typeof contact !== 'object' || contact === null || Array.isArray(contact)) return 'contact is required';
  const { externalId, properties } = contact as { externalId?: unknown; properties?: unknown };
  if (externalId !== undefined && typeof externalId !== 'string') return 'externalId must be a string';
  if (properties !== undefined && (typeof properties !== 'object' || properties === null)) {
    return 'properties must be an object';
  }
  return { ...flags, contact: contact as Partial<ContactWrite> };
}

function writeFlags(body: unknown): { update: boolean; purge: boolean } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'A JSON object body is required';
  const { update = false, purge = false } = body as { update?: unknown; purge?: unknown };
  if (typeof update !== 'boolean' || typeof purge !== 'boolean') return 'update and purge must be booleans';
  return { update, purge };
}

function hasExternalId(contact: unknown): contact is ContactWrite {
  const id = (contact as { externalId?: unknown } | null)?.externalId;
  return typeof id === 'string' && id.length > 0;
}
