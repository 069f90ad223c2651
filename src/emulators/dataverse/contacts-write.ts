import type { ApiRequest, ApiResponse } from './api-types.js';
import { DataverseFault, JSON_CONTENT_TYPE } from './api-types.js';
import { ENTITY_TYPE, isGuid } from './contact-schema.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import { readPayload } from './payload.js';
import { contextUrl, etagOf, project } from './projection.js';
import { readPreferences, readSelect } from './query-options.js';
import type { Row } from './store.js';

/** Parses the key in `contacts(<key>)`; only the primary key is declared (no alternate keys). */
export function contactKey(key: string): string {
  const decoded = decodeURIComponent(key);
  if (isGuid(decoded)) return decoded.toLowerCase();
  if (decoded.includes('=')) {
    throw new DataverseFault(
      400,
      '0x80060888',
      `The key in the request URI is not valid for resource '${ENTITY_TYPE}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${ENTITY_TYPE}'.`,
    );
  }
  throw faults.querySyntax();
}

export function getContact(req: ApiRequest, id: string, ctx: EmulatorContext): ApiResponse {
  const row = ctx.store.contacts.get(id);
  if (!row) throw faults.notFound('contact', id);
  const etag = etagOf(row);
  if (req.headers['if-none-match'] === etag)
    return { status: 304, headers: { ETag: etag, 'OData-Version': '4.0' } };
  const select = readSelect(new URLSearchParams(req.query).get('$select'), ctx.columns);
  const prefs = readPreferences(req.headers.prefer);
  const body = project(row, select, prefs.annotations, ctx.store, ctx.columns);
  return {
    status: 200,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0', ETag: etag },
    body: { '@odata.context': contextUrl(ctx.apiBase, select, '/$entity'), ...body },
  };
}

/**
 * PATCH contacts(<id>): an upsert. `If-Match: *` makes it update-only (404 when missing), an ETag in
 * If-Match makes it conditional (412 on mismatch), and `If-None-Match: *` makes it create-only (412
 * when the row exists).
 */
export function patchContact(req: ApiRequest, id: string, ctx: EmulatorContext): ApiResponse {
  const existing = ctx.store.contacts.get(id);
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifMatch !== undefined && !existing) throw faults.notFound('contact', id);
  if (ifMatch !== undefined && ifMatch !== '*' && existing && ifMatch !== etagOf(existing)) {
    throw faults.versionMismatch();
  }
  if (ifNoneMatch === '*' && existing) throw faults.duplicate();
  const fields = readPayload(req.body, ctx.store, ctx.columns);
  // Plug-ins on Update run after the platform's own validation, before the write.
  if (existing) ctx.updateFaults.apply(id);
  const row = ctx.store.put(id, fields);
  return written(req, row, existing ? 200 : 201, ctx);
}

export function postContact(req: ApiRequest, ctx: EmulatorContext): ApiResponse {
  const fields = readPayload(req.body, ctx.store, ctx.columns);
  const id = typeof fields.contactid === 'string' ? fields.contactid : ctx.store.newId();
  if (ctx.store.contacts.has(id)) throw faults.duplicate();
  const row = ctx.store.put(id, fields);
  const response = written(req, row, 201, ctx);
  // A create that returns the representation carries no OData-EntityId.
  if (response.status === 201) delete response.headers['OData-EntityId'];
  return response;
}

export function deleteContact(req: ApiRequest, id: string, ctx: EmulatorContext): ApiResponse {
  const existing = ctx.store.contacts.get(id);
  if (!existing) throw faults.notFound('contact', id);
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(existing))
    throw faults.versionMismatch();
  ctx.store.delete(id);
  return { status: 204, headers: { 'OData-Version': '4.0' } };
}

function written(req: ApiRequest, row: Row, representationStatus: number, ctx: EmulatorContext): ApiResponse {
  const entityId = `${ctx.apiBase}contacts(${String(row.contactid)})`;
  const prefs = readPreferences(req.headers.prefer);
  if (!prefs.returnRepresentation) {
    return { status: 204, headers: { 'OData-Version': '4.0', 'OData-EntityId': entityId } };
  }
  const select = readSelect(new URLSearchParams(req.query).get('$select'), ctx.columns);
  return {
    status: representationStatus,
    headers: {
      'Content-Type': JSON_CONTENT_TYPE,
      'OData-Version': '4.0',
      'OData-EntityId': entityId,
      'Preference-Applied': 'return=representation',
      ETag: etagOf(row),
    },
    body: {
      '@odata.context': contextUrl(ctx.apiBase, select, '/$entity'),
      ...project(row, select, null, ctx.store, ctx.columns),
    },
  };
}
