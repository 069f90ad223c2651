import { DATAVERSE_MAX_LENGTH, parseLookupPath, readLookupName } from './dataverse-columns.js';
import type { FieldMapping } from './sync-definition.js';

/**
 * How a field's value is read from each side, and the stable key under which the mapper and the
 * canonical values report it. Absence means different things on the two sides: a Dataverse row holds
 * every $select-ed column (null when empty), so a missing column was not read and is left alone; Mail+
 * returns only properties that hold data, so a missing property is empty.
 */
export function readDataverse(row: Readonly<Record<string, unknown>>, field: FieldMapping): unknown {
  const lookup = parseLookupPath(field.dataverse);
  if (lookup) return readLookupName(row, lookup);
  return row[field.dataverse];
}

export function readMailplus(properties: Readonly<Record<string, unknown>>, field: FieldMapping): unknown {
  if (field.transform.name === 'street-house-number') {
    return {
      street: properties[field.mailplus] ?? null,
      houseNumber: properties[field.transform.houseNumber] ?? null,
    };
  }
  return properties[field.mailplus] ?? null;
}

/** The Mail+ bits a set field owns, or null for other fields. */
export function ownBits(field: FieldMapping): number[] | null {
  const t = field.transform;
  if (t.name === 'set-boolean') return [t.bit];
  if (t.name === 'set-multiselect') return t.options.map((o) => o.bit);
  if (t.name === 'set-string') return t.labels.map((l) => l.bit);
  return null;
}

/**
 * The key a field's value is reported under: the Mail+ property, with the owned bits for set fields
 * (several fields may share one set property), e.g. `firstName`, `interests#1,2`. Permissions use
 * `permission#<bit>`. Unique within a valid definition.
 */
export function fieldKey(field: FieldMapping): string {
  const bits = ownBits(field);
  return bits ? `${field.mailplus}#${bits.join(',')}` : field.mailplus;
}

export function permissionKey(bit: number): string {
  return `permission#${bit}`;
}

/** Names the field in errors, in the direction of travel; never the value. */
export function fieldLabel(field: FieldMapping, towards: 'mailplus' | 'dataverse'): string {
  return towards === 'mailplus'
    ? `${field.dataverse} -> ${fieldKey(field)}`
    : `${fieldKey(field)} -> ${field.dataverse}`;
}

export function dataverseMaxLength(field: FieldMapping): number | undefined {
  return field.maxLength ?? DATAVERSE_MAX_LENGTH[field.dataverse];
}
