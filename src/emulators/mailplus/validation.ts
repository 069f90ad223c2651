import type { AccountProperty } from './account-properties.js';

/**
 * The checks Mail+ applies to submitted properties. The specification names two failures, "Email is
 * invalid" and "Property is invalid" (400, INVALID_PROPERTY; PROPERTY_INVALID per contact in bulk).
 * Which values each type accepts is not documented; the rules below are inferences from the type names
 * and from how real clients format values (techtwo sends `Y-m-d` birthdays, M/F genders, NL postcodes).
 * Limits: text fields 255 characters (inference; a common column size).
 */
export const MAX_TEXT_LENGTH = 255;

export type Scalar = string | number;

export interface ValidProperties {
  /** null clears the field. */
  values: Map<string, Scalar | null>;
  /** Per set field, the bits to switch on or off. */
  sets: Map<string, Map<number, boolean>>;
}

export type Validation = { ok: true; properties: ValidProperties } | { ok: false; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
// Dutch `1234 AB` (no leading zero) and the 4-digit Belgian form.
const POSTCODE = /^[1-9]\d{3}( ?[A-Za-z]{2})?$/;
const MOBILE = /^\+?\d{8,15}$/;

export function validateProperties(
  submitted: Record<string, unknown>,
  account: ReadonlyMap<string, AccountProperty>,
): Validation {
  const properties: ValidProperties = { values: new Map(), sets: new Map() };
  for (const [name, value] of Object.entries(submitted)) {
    const property = account.get(name);
    if (!property) return invalid(name);
    if (property.type === 'set') {
      const bits = validSet(value, property);
      if (!bits) return invalid(name);
      properties.sets.set(name, bits);
      continue;
    }
    if (value === null || value === '') {
      properties.values.set(name, null);
      continue;
    }
    const scalar = validScalar(value, property);
    if (scalar === undefined) {
      return property.type === 'email' ? { ok: false, message: 'Email is invalid' } : invalid(name);
    }
    properties.values.set(name, scalar);
  }
  return { ok: true, properties };
}

function invalid(name: string): Validation {
  return { ok: false, message: `Property is invalid (${name})` };
}

function validSet(value: unknown, property: AccountProperty): Map<number, boolean> | null {
  if (!Array.isArray(value)) return null;
  const known = new Set(property.entries?.map((entry) => entry.bit));
  const bits = new Map<number, boolean>();
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) return null;
    const { bit, enabled } = entry as { bit?: unknown; enabled?: unknown };
    if (typeof bit !== 'number' || !known.has(bit) || typeof enabled !== 'boolean') return null;
    bits.set(bit, enabled);
  }
  return bits;
}

function validScalar(value: unknown, property: AccountProperty): Scalar | undefined {
  switch (property.type) {
    case 'int':
      return toNumber(value, Number.isSafeInteger);
    case 'money':
      return toNumber(value, Number.isFinite);
    case 'dateTime':
      return typeof value === 'number' || (typeof value === 'string' && ISO_DATE_TIME.test(value))
        ? value
        : undefined;
    default:
      return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH && textTypeAccepts(property, value)
        ? value
        : undefined;
  }
}

function textTypeAccepts(property: AccountProperty, value: string): boolean {
  switch (property.type) {
    case 'email':
      return EMAIL.test(value);
    case 'gender':
      return value === 'M' || value === 'F';
    case 'birthdate':
    case 'date':
      return isCalendarDate(value);
    case 'postcode':
      return POSTCODE.test(value);
    case 'mobNr':
      return MOBILE.test(value.replace(/[\s-]/g, ''));
    default:
      return true;
  }
}

function toNumber(value: unknown, accept: (n: number) => boolean): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return accept(n) ? n : undefined;
}

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
