import {
  CONTACT_BINDINGS,
  CONTACT_COLUMNS,
  type Column,
  type ContactColumns,
  DEFAULT_STATUS_FOR_STATE,
  edmTypeOf,
  isGuid,
} from './contact-schema.js';
import { faults } from './dataverse-errors.js';
import type { DataverseStore, Row } from './store.js';

/**
 * Validates a create/update body the way Dataverse does (unknown property, wrong type, over-long text,
 * option out of range, binding to a missing record) and returns the columns to write. Read-only columns
 * are ignored, as the service ignores values for attributes that are not valid for create or update.
 */
export function readPayload(
  body: string,
  store: DataverseStore,
  columns: ContactColumns = CONTACT_COLUMNS,
): Row {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw faults.invalidJson();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw faults.invalidJson();
  const fields: Row = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key.endsWith('@odata.bind')) {
      bind(key.slice(0, -'@odata.bind'.length), value, store, fields);
      continue;
    }
    if (key.includes('@')) continue; // instance annotations such as @odata.type
    const column = columns[key];
    if (!column || column.type === 'lookup') throw faults.invalidPayloadProperty(key);
    if (column.readOnly) continue;
    fields[key] = checkValue(key, column, value);
  }
  if (typeof fields.statecode === 'number' && fields.statuscode === undefined) {
    fields.statuscode = DEFAULT_STATUS_FOR_STATE[fields.statecode];
  }
  return fields;
}

function bind(navigation: string, value: unknown, store: DataverseStore, fields: Row): void {
  const binding = CONTACT_BINDINGS[navigation];
  if (!binding) throw faults.invalidPayloadProperty(navigation);
  if (value === null) {
    fields[binding.lookup] = null;
    return;
  }
  const match = typeof value === 'string' ? /^\/?(\w+)\(([^)]+)\)$/.exec(value) : null;
  if (!match || match[1] !== binding.entitySet || !isGuid(match[2]!)) throw faults.querySyntax();
  const id = match[2]!.toLowerCase();
  if (!store.accounts.has(id)) throw faults.notFound('account', id);
  fields[binding.lookup] = id;
}

function checkValue(name: string, column: Column, value: unknown): unknown {
  if (value === null) return null;
  const wrongType = () => faults.payloadType(name, edmTypeOf(column));
  switch (column.type) {
    case 'string':
      if (typeof value !== 'string') throw wrongType();
      if (column.maxLength !== undefined && value.length > column.maxLength)
        throw faults.tooLong(name, column.maxLength);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType();
      return value;
    case 'int':
      if (!Number.isInteger(value)) throw wrongType();
      return value;
    case 'picklist':
    case 'state':
    case 'status': {
      if (!Number.isInteger(value)) throw wrongType();
      const accepted = Object.keys(column.options ?? {}).map(Number);
      if (!accepted.includes(value as number)) throw faults.outOfRange(name, value as number, accepted);
      return value;
    }
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
        throw wrongType();
      }
      return value.slice(0, 10);
    case 'guid':
      if (typeof value !== 'string' || !isGuid(value)) throw wrongType();
      return value.toLowerCase();
    default:
      throw wrongType();
  }
}
