import type { ApiRequest, ApiResponse } from './api-types.js';
import { JSON_CONTENT_TYPE } from './api-types.js';
import { isGuid } from './contact-schema.js';
import { readContactCollection } from './contacts-read.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import type { ListRecord } from './store.js';

/**
 * Marketing lists (`lists`) and their contact members through the N:N navigation property
 * `listcontact_association`. Members are added and removed with the AddMemberList and RemoveMemberList
 * actions, as Dataverse refuses plain associate for list members.
 */
export function handleLists(req: ApiRequest, segments: string[], ctx: EmulatorContext): ApiResponse {
  const [head = '', navigation] = segments;
  if (head === 'lists') {
    if (req.method !== 'GET') throw faults.methodNotAllowed(req.method);
    return json(200, {
      '@odata.context': `${ctx.apiBase}$metadata#lists`,
      value: [...ctx.store.lists.values()].map((list) => listBody(list)),
    });
  }
  const list = findList(head, ctx);
  if (navigation === undefined && req.method === 'GET') {
    return json(200, { '@odata.context': `${ctx.apiBase}$metadata#lists/$entity`, ...listBody(list) });
  }
  const members = ctx.store.members.get(list.listid)!;
  if (navigation === 'listcontact_association' && req.method === 'GET') {
    const path = `lists(${list.listid})/listcontact_association`;
    return readContactCollection(req, ctx, { path, includes: (row) => members.has(String(row.contactid)) });
  }
  if (navigation?.startsWith('Microsoft.Dynamics.CRM.') && req.method === 'POST') {
    return memberAction(navigation.slice('Microsoft.Dynamics.CRM.'.length), req, members, ctx);
  }
  throw faults.unknownSegment(navigation ?? head);
}

function memberAction(
  action: string,
  req: ApiRequest,
  members: Set<string>,
  ctx: EmulatorContext,
): ApiResponse {
  const entityId = readEntityId(req.body);
  if (action === 'AddMemberList') {
    if (!ctx.store.contacts.has(entityId)) throw faults.notFound('contact', entityId);
    members.add(entityId);
    return json(200, {
      '@odata.context': `${ctx.apiBase}$metadata#Microsoft.Dynamics.CRM.AddMemberListResponse`,
      id: ctx.store.newId(),
    });
  }
  if (action === 'RemoveMemberList') {
    members.delete(entityId);
    return { status: 204, headers: { 'OData-Version': '4.0' } };
  }
  throw faults.unknownSegment(`Microsoft.Dynamics.CRM.${action}`);
}

function readEntityId(body: string): string {
  try {
    const parsed = JSON.parse(body) as { EntityId?: unknown };
    if (typeof parsed.EntityId === 'string' && isGuid(parsed.EntityId)) return parsed.EntityId.toLowerCase();
  } catch {
    // fall through to the same error as a missing parameter
  }
  throw faults.invalidJson();
}

function findList(segment: string, ctx: EmulatorContext): ListRecord {
  const match = /^lists\(([^)]*)\)$/.exec(segment);
  if (!match) throw faults.unknownSegment(segment);
  const id = decodeURIComponent(match[1]!);
  if (!isGuid(id)) throw faults.querySyntax();
  const list = ctx.store.lists.get(id.toLowerCase());
  if (!list) throw faults.notFound('list', id.toLowerCase());
  return list;
}

function listBody(list: ListRecord): Record<string, unknown> {
  return { '@odata.etag': 'W/"1"', ...list };
}

function json(status: number, body: unknown): ApiResponse {
  return { status, headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' }, body };
}
