import { PermanentError } from '../../errors.js';
import type { DataverseHttp } from './dataverse-http.js';
import { errorFromResponse } from './dynamics-errors.js';

/**
 * How a PATCH to contacts(<id>) may act: `upsert` creates or updates; `update` only updates (If-Match: *,
 * so a deleted contact is not silently re-created); `create` only creates (If-None-Match: *).
 * An `etag` makes the update conditional on the row being unchanged since it was read.
 */
export type WriteMode = 'upsert' | 'update' | 'create';

export interface WriteOptions {
  mode?: WriteMode;
  etag?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkedId(id: string): string {
  if (!GUID.test(id))
    throw new PermanentError('A Dataverse contact id must be a GUID', { service: 'dataverse' });
  return id.toLowerCase();
}

export function conditionHeaders(options: WriteOptions): Record<string, string> {
  if (options.etag) return { 'If-Match': options.etag };
  if (options.mode === 'update') return { 'If-Match': '*' };
  if (options.mode === 'create') return { 'If-None-Match': '*' };
  return {};
}

/** PATCH contacts(<id>); resolves with the OData-EntityId, throws a classified error otherwise. */
export async function upsertContact(
  http: DataverseHttp,
  id: string,
  fields: Record<string, unknown>,
  options: WriteOptions = {},
): Promise<{ id: string; entityId: string | null }> {
  const path = `contacts(${checkedId(id)})`;
  const response = await http.send({
    method: 'PATCH',
    url: path,
    headers: conditionHeaders(options),
    body: JSON.stringify(fields),
  });
  if (response.status >= 200 && response.status < 300) {
    return { id: id.toLowerCase(), entityId: response.headers.get('odata-entityid') };
  }
  throw errorFromResponse('PATCH', `/${path}`, response.status, response.text, null);
}

/** DELETE contacts(<id>); a contact that is already gone counts as deleted (deletes must be idempotent). */
export async function deleteContact(
  http: DataverseHttp,
  id: string,
  options: { etag?: string } = {},
): Promise<'deleted' | 'already-gone'> {
  const path = `contacts(${checkedId(id)})`;
  const response = await http.send({
    method: 'DELETE',
    url: path,
    headers: options.etag ? { 'If-Match': options.etag } : {},
  });
  if (response.status === 204) return 'deleted';
  if (response.status === 404) return 'already-gone';
  throw errorFromResponse('DELETE', `/${path}`, response.status, response.text, null);
}
