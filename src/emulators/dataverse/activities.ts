import { type ApiRequest, type ApiResponse, DataverseFault, JSON_CONTENT_TYPE } from './api-types.js';
import { isGuid } from './contact-schema.js';
import { faults } from './dataverse-errors.js';
import type { EmulatorContext } from './emulator-context.js';
import type { Row } from './store.js';

/**
 * The two tables koppel writes interactions to: its custom activity table (defined by
 * solution/koppel-interactions.xml) and the standard campaign response, both with the alternate key
 * `koppel_key` that solution defines. A PATCH to `<set>(koppel_key='…')` is an upsert: one row per key
 * however often it is written (dynamics.md §3.3). Lookups bound to a contact or campaign that does
 * not exist answer 404 with the platform's "Does Not Exist" error, and nothing is written.
 */
interface ActivityTable {
  entitySet: string;
  logicalName: string;
  primaryKey: string;
  /** Columns a write may set, beside the key; bind properties are checked separately. */
  columns: ReadonlySet<string>;
}

const FACTS = [
  'subject',
  'description',
  'koppel_interactiontype',
  'koppel_occurredon',
  'koppel_mailingid',
  'koppel_mailingname',
  'koppel_mailingsubject',
  'koppel_link',
  'koppel_bouncetype',
];

export const ACTIVITY_TABLES: readonly ActivityTable[] = [
  {
    entitySet: 'koppel_mailinginteractions',
    logicalName: 'koppel_mailinginteraction',
    primaryKey: 'activityid',
    columns: new Set([...FACTS, 'actualend']),
  },
  {
    entitySet: 'campaignresponses',
    logicalName: 'campaignresponse',
    primaryKey: 'activityid',
    columns: new Set([...FACTS, 'receivedon']),
  },
];

const KEY = /^(\w+)\((.*)\)$/;

/** The table a path segment names (`koppel_mailinginteractions` or `koppel_mailinginteractions(...)`). */
export function activityTableOf(head: string): ActivityTable | undefined {
  const set = KEY.exec(head)?.[1] ?? head;
  return ACTIVITY_TABLES.find((t) => t.entitySet === set);
}

export function handleActivities(
  req: ApiRequest,
  table: ActivityTable,
  head: string,
  ctx: EmulatorContext,
): ApiResponse {
  if (!ctx.activityTables) throw faults.unknownSegment(head);
  const rows = ctx.store.activityRows(table.entitySet);
  const keyed = KEY.exec(head);
  if (!keyed) {
    if (req.method !== 'GET') throw faults.methodNotAllowed(req.method);
    return {
      status: 200,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' },
      body: { value: [...rows.values()] },
    };
  }
  const key = alternateKey(table, keyed[2]!);
  if (req.method === 'GET') {
    const row = rows.get(key);
    if (!row) throw faults.notFound(table.logicalName, key);
    return { status: 200, headers: { 'Content-Type': JSON_CONTENT_TYPE, 'OData-Version': '4.0' }, body: row };
  }
  if (req.method !== 'PATCH') throw faults.methodNotAllowed(req.method);
  const fields = readActivity(table, req.body, ctx);
  const existing = rows.get(key);
  const id = (existing?.[table.primaryKey] as string | undefined) ?? ctx.store.newId();
  ctx.store.putActivity(table.entitySet, key, {
    ...existing,
    ...fields,
    koppel_key: key,
    [table.primaryKey]: id,
  });
  return {
    status: 204,
    headers: { 'OData-Version': '4.0', 'OData-EntityId': `${ctx.apiBase}${table.entitySet}(${id})` },
  };
}

/** `koppel_key='abc'` is the only key besides the primary one; anything else is the platform's error. */
function alternateKey(table: ActivityTable, text: string): string {
  const match = /^koppel_key='([^']*)'$/.exec(decodeURIComponent(text));
  if (match?.[1]) return match[1];
  const type = `Microsoft.Dynamics.CRM.${table.logicalName}`;
  throw new DataverseFault(
    400,
    '0x80060888',
    `The key in the request URI is not valid for resource '${type}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${type}'.`,
  );
}

function readActivity(table: ActivityTable, body: string, ctx: EmulatorContext): Row {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw faults.querySyntax();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw faults.querySyntax();
  const fields: Row = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (name.endsWith('@odata.bind')) {
      fields[`_${name.slice(0, -'@odata.bind'.length)}_value`] = boundId(String(value), ctx);
    } else if (name === 'campaignresponse_activity_parties' && table.logicalName === 'campaignresponse') {
      fields.customer = parties(value, ctx);
    } else if (table.columns.has(name)) {
      fields[name] = value;
    } else {
      throw new DataverseFault(
        400,
        '0x0',
        `Invalid property '${name}' was found in entity 'Microsoft.Dynamics.CRM.${table.logicalName}'.`,
      );
    }
  }
  return fields;
}

function boundId(reference: string, ctx: EmulatorContext): string {
  const match = /^\/?(contacts|campaigns)\(([^)]*)\)$/.exec(reference);
  if (!match || !isGuid(match[2]!)) throw faults.querySyntax();
  const id = match[2]!.toLowerCase();
  if (match[1] === 'contacts' && !ctx.store.contacts.has(id)) throw faults.notFound('contact', id);
  if (match[1] === 'campaigns' && !ctx.store.campaigns.has(id)) throw faults.notFound('campaign', id);
  return id;
}

function parties(value: unknown, ctx: EmulatorContext): string[] {
  if (!Array.isArray(value)) throw faults.querySyntax();
  return value.map((party) =>
    boundId(String((party as Record<string, unknown>)['partyid_contact@odata.bind']), ctx),
  );
}
