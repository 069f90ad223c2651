import { activityTableOf, handleActivities } from './activities.js';
import {
  type ApiRequest,
  type ApiResponse,
  DataverseFault,
  faultResponse,
  JSON_CONTENT_TYPE,
} from './api-types.js';
import { readContactCollection } from './contacts-read.js';
import { contactKey, deleteContact, getContact, patchContact, postContact } from './contacts-write.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import { handleLists } from './lists.js';

/**
 * Routes one Web API request (outside $batch, or one part of it) to its handler and turns a
 * DataverseFault into the service's error response. Handlers are synchronous, so a change set can run
 * its parts inside one store transaction without interleaving with other requests.
 */
export function handleApiRequest(req: ApiRequest, ctx: EmulatorContext): ApiResponse {
  try {
    return route(req, ctx);
  } catch (error) {
    if (error instanceof DataverseFault) return faultResponse(error);
    return faultResponse(faults.unexpected());
  }
}

function route(req: ApiRequest, ctx: EmulatorContext): ApiResponse {
  const segments = req.path.split('/').filter(Boolean);
  const [head = ''] = segments;
  if (head === '' && req.method === 'GET') return serviceDocument();
  if (head === 'WhoAmI' && req.method === 'GET') return whoAmI(ctx);
  if (head === 'contacts') {
    if (segments.length > 1) throw faults.unknownSegment(segments[1]!);
    if (req.method === 'GET') return readContactCollection(req, ctx);
    if (req.method === 'POST') return postContact(req, ctx);
    throw faults.methodNotAllowed(req.method);
  }
  const keyed = /^contacts\((.*)\)$/.exec(head);
  if (keyed) {
    if (segments.length > 1) throw faults.unknownSegment(segments[1]!);
    const id = contactKey(keyed[1]!);
    if (req.method === 'GET') return getContact(req, id, ctx);
    if (req.method === 'PATCH') return patchContact(req, id, ctx);
    if (req.method === 'DELETE') return deleteContact(req, id, ctx);
    throw faults.methodNotAllowed(req.method);
  }
  if (head === 'lists' || head.startsWith('lists(')) return handleLists(req, segments, ctx);
  const activities = activityTableOf(head);
  if (activities) {
    if (segments.length > 1) throw faults.unknownSegment(segments[1]!);
    return handleActivities(req, activities, head, ctx);
  }
  throw faults.unknownSegment(head);
}

function serviceDocument(): ApiResponse {
  const sets = ['contacts', 'accounts', 'lists'];
  return {
    status: 200,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' },
    body: {
      '@odata.context': '$metadata',
      value: sets.map((name) => ({ name, kind: 'EntitySet', url: name })),
    },
  };
}

function whoAmI(ctx: EmulatorContext): ApiResponse {
  return {
    status: 200,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' },
    body: {
      '@odata.context': `${ctx.apiBase}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      ...ctx.identity,
    },
  };
}
