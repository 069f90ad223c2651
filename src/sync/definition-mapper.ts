import {
  canonicalValues,
  fieldKey,
  MappingError,
  mappedDataverseColumns,
  mapToDataverse,
  mapToMailplus,
  needsAnnotations,
  ownBits,
  permissionKey,
  type SyncDefinition,
} from './mapping/index.js';
import type { RemovalReason, Side, SyncMapper } from './sync-mapper.js';

interface KeyInfo {
  direction: 'to-mailplus' | 'to-dataverse' | 'both';
  owner: Side;
  bit: number | null;
  /** Mail+ properties the key writes. */
  mailplus: string[];
  /** Dataverse columns the key writes. */
  dataverse: string[];
  /** For a set field: the bits it owns (other fields may own other bits of the same property). */
  bits: number[] | null;
}

/** A set property value reduced to the entries of the bits this field owns. */
function ownEntries(value: unknown, bits: number[] | null): unknown {
  if (!bits || !Array.isArray(value)) return value;
  return value.filter((entry: { bit?: unknown }) => bits.includes(Number(entry?.bit)));
}

/** The engine's view of a tenant's sync definition (src/sync/mapping holds the rules and transforms). */
export function mapperFromDefinition(def: SyncDefinition): SyncMapper {
  const keys = keyTable(def);
  const info = (key: string): KeyInfo => {
    const found = keys.get(key);
    if (!found) throw new Error(`no mapped field with key ${key}`);
    return found;
  };
  const scopeColumn = def.scope.kind === 'boolean-column' ? def.scope.column : null;
  return {
    crmRead: { fields: mappedDataverseColumns(def), labels: needsAnnotations(def) },
    crmEmailField: 'emailaddress1',
    permissionBits: def.permissions.map((p) => p.bit),
    removalPolicy: (reason: RemovalReason) =>
      reason === 'deleted'
        ? def.onDataverseDelete
        : reason === 'deactivated'
          ? def.onDataverseDeactivate
          : def.onDoNotBulkEmail,
    canonical: (side, record) => canonicalValues(side, record, def),
    valuesFor: (target, wanted, record) =>
      target === 'mailplus'
        ? toMailplusValues(def, wanted, record, info)
        : toDataverseValues(def, wanted, record, info),
    flowsTo: (key, target) => {
      const { direction } = info(key);
      return target === 'mailplus' ? direction !== 'to-dataverse' : direction !== 'to-mailplus';
    },
    owner: (key) => info(key).owner,
    permissionBit: (key) => keys.get(key)?.bit ?? null,
    scopeListId: def.scope.kind === 'marketing-list' ? def.scope.listId : null,
    inScope: ({ id, fields }, listMembers) =>
      fields.statecode !== 1 &&
      fields.statecode !== 2 &&
      (scopeColumn === null || fields[scopeColumn] === true) &&
      (listMembers === undefined || listMembers.has(id.toLowerCase())),
    wantsRemoval: (row) => row.donotbulkemail === true,
  };
}

function keyTable(def: SyncDefinition): Map<string, KeyInfo> {
  const keys = new Map<string, KeyInfo>();
  for (const field of def.fields) {
    const t = field.transform;
    keys.set(fieldKey(field), {
      direction: field.direction,
      owner: field.owner,
      bit: null,
      mailplus: t.name === 'street-house-number' ? [field.mailplus, t.houseNumber] : [field.mailplus],
      dataverse: [field.dataverse],
      bits: ownBits(field),
    });
  }
  for (const p of def.permissions) {
    keys.set(permissionKey(p.bit), {
      direction: p.direction,
      owner: p.owner,
      bit: p.bit,
      mailplus: [],
      dataverse: [p.dataverse.column],
      bits: null,
    });
  }
  return keys;
}

function toMailplusValues(
  def: SyncDefinition,
  wanted: readonly string[],
  row: Record<string, unknown>,
  info: (key: string) => KeyInfo,
): Record<string, Record<string, unknown>> {
  const { values, errors } = mapToMailplus(row, def);
  const failed = errors.filter((e) => wanted.includes(e.field));
  if (failed.length > 0) throw new MappingError('Mail+', failed);
  const out: Record<string, Record<string, unknown>> = {};
  for (const key of wanted) {
    const { bit, mailplus, bits } = info(key);
    if (bit !== null) {
      out[key] = { permissions: values.permissions.filter((entry) => entry.bit === bit) };
    } else {
      out[key] = Object.fromEntries(
        mailplus.map((name) => [name, ownEntries(values.properties[name] ?? null, bits)]),
      );
    }
  }
  return out;
}

function toDataverseValues(
  def: SyncDefinition,
  wanted: readonly string[],
  record: Record<string, unknown>,
  info: (key: string) => KeyInfo,
): Record<string, Record<string, unknown>> {
  const { externalId, ...properties } = record;
  const { values, errors } = mapToDataverse({ externalId: String(externalId), properties }, def);
  const failed = errors.filter((e) => wanted.includes(e.field));
  if (failed.length > 0) throw new MappingError('Dataverse', failed);
  const out: Record<string, Record<string, unknown>> = {};
  for (const key of wanted) {
    out[key] = Object.fromEntries(
      info(key)
        .dataverse.filter((c) => c in values)
        .map((c) => [c, values[c]]),
    );
  }
  return out;
}
