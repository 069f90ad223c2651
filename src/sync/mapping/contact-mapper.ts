import { PermanentError } from '../../errors.js';
import { FORMATTED_VALUE, lookupValueColumn, parseLookupPath } from './dataverse-columns.js';
import {
  dataverseMaxLength,
  fieldKey,
  fieldLabel,
  permissionKey,
  readDataverse,
  readMailplus,
} from './field-access.js';
import { enabledBits, type SetEntry } from './set-transforms.js';
import type { StreetAndNumber } from './street-address.js';
import { flowsToDataverse, flowsToMailplus, type SyncDefinition } from './sync-definition.js';
import { checkLength, MAILPLUS_MAX_LENGTH, type TransformContext } from './transform-kit.js';
import { transformFor } from './transforms.js';

/**
 * Maps one contact between the two systems, honouring each field's direction and transform. Every field
 * is attempted: the `map*` functions return the values that converted plus one error per field that did
 * not; `toMailplus`/`toDataverse` throw one MappingError listing every failed field instead.
 */
export interface FieldError {
  /** The field key (see fieldKey), e.g. `firstName` or `permission#1`. */
  field: string;
  /** Names the field and the problem; never contains the value. */
  message: string;
}

export class MappingError extends PermanentError {
  readonly fields: readonly FieldError[];
  constructor(towards: string, fields: readonly FieldError[]) {
    super(`Contact cannot be mapped to ${towards}: ${fields.map((f) => f.message).join('; ')}`);
    this.fields = fields;
  }
}

export interface MailplusValues {
  /** Properties to send with purge:false; set fields carry only the bits they map. */
  properties: Record<string, unknown>;
  /** Permission entries to send as the `permissions` property (keyed on bit). */
  permissions: SetEntry[];
}

export interface Mapped<T> {
  values: T;
  errors: FieldError[];
}

export function mapToMailplus(
  row: Readonly<Record<string, unknown>>,
  def: SyncDefinition,
): Mapped<MailplusValues> {
  const values: MailplusValues = { properties: {}, permissions: [] };
  const errors: FieldError[] = [];
  for (const field of def.fields.filter(flowsToMailplus)) {
    const raw = readDataverse(row, field);
    if (raw === undefined) continue;
    const ctx = { field: fieldLabel(field, 'mailplus') };
    attempt(fieldKey(field), errors, () => {
      const converted = transformFor(field.transform).toMailplus(raw, ctx);
      writeMailplus(values.properties, field, converted, ctx);
    });
  }
  for (const p of def.permissions.filter(flowsToMailplus)) {
    const raw = row[p.dataverse.column];
    if (raw === undefined || raw === null) continue; // unknown consent is never guessed
    attempt(permissionKey(p.bit), errors, () => {
      const flag = booleanOf(raw, { field: `${p.dataverse.column} -> ${permissionKey(p.bit)}` });
      values.permissions.push({ bit: p.bit, enabled: p.dataverse.meaning === 'opt-in' ? flag : !flag });
    });
  }
  return { values, errors };
}

export function toMailplus(row: Readonly<Record<string, unknown>>, def: SyncDefinition): MailplusValues {
  return orThrow('Mail+', mapToMailplus(row, def));
}

export interface MailplusContactLike {
  externalId: string;
  properties: Readonly<Record<string, unknown>>;
}

export function mapToDataverse(
  contact: MailplusContactLike,
  def: SyncDefinition,
): Mapped<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of def.fields.filter(flowsToDataverse)) {
    const ctx = { field: fieldLabel(field, 'dataverse') };
    attempt(fieldKey(field), errors, () => {
      const converted = transformFor(field.transform).toDataverse(
        readMailplus(contact.properties, field),
        ctx,
      );
      checkLength(converted, dataverseMaxLength(field), ctx);
      values[field.dataverse] = converted;
    });
  }
  // Mail+ lists every entry of a set once any is set; without the property, consent is unknown.
  const bits = 'permissions' in contact.properties ? enabledBits(contact.properties.permissions) : new Map();
  for (const p of def.permissions.filter(flowsToDataverse)) {
    const enabled = bits.get(p.bit);
    if (enabled === undefined) continue;
    values[p.dataverse.column] = p.dataverse.meaning === 'opt-in' ? enabled : !enabled;
  }
  return { values, errors };
}

export function toDataverse(contact: MailplusContactLike, def: SyncDefinition): Record<string, unknown> {
  return orThrow('Dataverse', mapToDataverse(contact, def));
}

/**
 * The `$select` list: the mapped columns, lookups as their `_x_value` column (the name arrives as an
 * annotation, see DATAVERSE_ANNOTATIONS_PREFER), permission columns, and what the engine needs to
 * apply the lifecycle rules and the scope (statecode, donotbulkemail, the scope column).
 */
export function mappedDataverseColumns(def: SyncDefinition): string[] {
  const columns = ['contactid'];
  for (const field of def.fields) {
    const lookup = parseLookupPath(field.dataverse);
    columns.push(lookup ? lookupValueColumn(lookup) : field.dataverse);
  }
  columns.push(...def.permissions.map((p) => p.dataverse.column), 'statecode', 'donotbulkemail');
  if (def.scope.kind === 'boolean-column') columns.push(def.scope.column);
  return [...new Set(columns)];
}

/**
 * The Prefer header value that makes Dataverse send a lookup's related-row name (FormattedValue) and
 * target table (lookuplogicalname). `*` rather than a list: one quoted value has no commas to misparse.
 */
export const DATAVERSE_ANNOTATIONS_PREFER = 'odata.include-annotations="*"';

export function needsAnnotations(def: SyncDefinition): boolean {
  return def.fields.some((field) => parseLookupPath(field.dataverse) !== null);
}

/** The lookup annotation a row carries the name in, e.g. `_parentcustomerid_value@OData...FormattedValue`. */
export function formattedValueKey(lookupColumn: string): string {
  return `${lookupColumn}@${FORMATTED_VALUE}`;
}

/** Every Mail+ property the definition reads or writes, including `permissions` when mapped. */
export function mappedMailplusProperties(def: SyncDefinition): string[] {
  const names = def.fields.flatMap((field) =>
    field.transform.name === 'street-house-number'
      ? [field.mailplus, field.transform.houseNumber]
      : [field.mailplus],
  );
  if (def.permissions.length > 0) names.push('permissions');
  return [...new Set(names)];
}

function writeMailplus(
  properties: Record<string, unknown>,
  field: SyncDefinition['fields'][number],
  converted: unknown,
  ctx: TransformContext,
): void {
  if (field.transform.name === 'street-house-number') {
    const { street, houseNumber } = converted as StreetAndNumber;
    checkLength(street, MAILPLUS_MAX_LENGTH, ctx);
    checkLength(houseNumber, MAILPLUS_MAX_LENGTH, ctx);
    properties[field.mailplus] = street;
    properties[field.transform.houseNumber] = houseNumber;
  } else if (Array.isArray(converted)) {
    // Set fields that share a property each contribute their own bits.
    const existing = properties[field.mailplus];
    properties[field.mailplus] = Array.isArray(existing) ? [...existing, ...converted] : converted;
  } else {
    checkLength(converted, MAILPLUS_MAX_LENGTH, ctx);
    properties[field.mailplus] = converted;
  }
}

function booleanOf(value: unknown, ctx: TransformContext): boolean {
  if (typeof value === 'boolean') return value;
  throw new PermanentError(`${ctx.field}: is not a Boolean column value`);
}

function attempt(key: string, errors: FieldError[], run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    errors.push({ field: key, message: error.message });
  }
}

function orThrow<T>(towards: string, mapped: Mapped<T>): T {
  if (mapped.errors.length > 0) throw new MappingError(towards, mapped.errors);
  return mapped.values;
}
