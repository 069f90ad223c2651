import { fieldKey, ownBits, permissionKey, readDataverse, readMailplus } from './field-access.js';
import { enabledBits } from './set-transforms.js';
import { joinStreetLine, type StreetAndNumber } from './street-address.js';
import type { FieldMapping, Side, SyncDefinition } from './sync-definition.js';
import { transformFor } from './transforms.js';

/**
 * Per-field values in one canonical form, whichever side they were read from, for echo detection: the
 * engine HMACs them, and a value it wrote comes back with the same hash. The canonical form is the
 * normalised Mail+ form as a string (gender 'M', ISO country code, E.164 phone, e-mail with a lowercase
 * domain, enabled bits as "1,4", a street line joined); a Mail+ value is first sent through
 * toDataverse, so both sides land on the same fixed point. Every mapped field is included whatever its
 * direction; a field that was not read (missing Dataverse column) is left out. The result contains
 * personal data: hash it, never log or store it.
 */
export type CanonicalValues = Record<string, string | null>;

export function canonicalValues(
  side: Side,
  values: Readonly<Record<string, unknown>>,
  def: SyncDefinition,
): CanonicalValues {
  const canonical: CanonicalValues = {};
  for (const field of def.fields) {
    const raw = side === 'dataverse' ? readDataverse(values, field) : readMailplus(values, field);
    if (raw === undefined) continue;
    canonical[fieldKey(field)] = canonicalField(side, field, raw);
  }
  const bits = side === 'mailplus' && 'permissions' in values ? enabledBits(values.permissions) : new Map();
  for (const p of def.permissions) {
    const permitted =
      side === 'mailplus' ? bits.get(p.bit) : dataversePermission(values[p.dataverse.column], p);
    if (permitted !== undefined) canonical[permissionKey(p.bit)] = String(permitted);
  }
  return canonical;
}

function canonicalField(side: Side, field: FieldMapping, raw: unknown): string | null {
  const pair = transformFor(field.transform);
  const ctx = { field: fieldKey(field) };
  try {
    const dataverseForm = side === 'dataverse' ? raw : pair.toDataverse(raw, ctx);
    return stringOf(pair.toMailplus(dataverseForm, ctx), ownBits(field));
  } catch {
    // A value that cannot be converted is never written, but it still needs a stable hash so an
    // unchanged invalid value is recognised as unchanged.
    return `invalid:${JSON.stringify(raw)}`;
  }
}

function stringOf(mailplusForm: unknown, bits: number[] | null): string | null {
  if (mailplusForm === null || mailplusForm === undefined) return null;
  if (bits) {
    const on = enabledBits(mailplusForm);
    return bits
      .filter((bit) => on.get(bit) === true)
      .sort((a, b) => a - b)
      .join(',');
  }
  if (typeof mailplusForm === 'object') return joinStreetLine(mailplusForm as StreetAndNumber);
  return String(mailplusForm);
}

function dataversePermission(value: unknown, p: SyncDefinition['permissions'][number]): boolean | undefined {
  if (typeof value !== 'boolean') return undefined;
  return p.dataverse.meaning === 'opt-in' ? value : !value;
}
