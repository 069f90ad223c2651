import { contactFieldsOf } from '../emulators/dataverse/seed.js';
import { contactProperties } from '../emulators/mailplus/synthetic-contacts.js';
import { createSyntheticPeople } from '../emulators/shared/synthetic-people.js';
import { FORMATTED_VALUE, LOOKUP_LOGICAL_NAME } from '../sync/mapping/dataverse-columns.js';
import { fieldKey, readDataverse, readMailplus } from '../sync/mapping/field-access.js';
import {
  type FieldError,
  type FieldMapping,
  flowsToDataverse,
  flowsToMailplus,
  mappedDataverseColumns,
  mappedMailplusProperties,
  mapToDataverse,
  mapToMailplus,
  type SyncDefinition,
} from '../sync/mapping/index.js';

/**
 * A mapping preview runs a definition on one generated contact, never a real one: a synthetic person
 * (fixed seed, so every preview shows the same person) as a Dataverse row and as a Mail+ contact.
 * Columns and properties the sample does not know (custom ones) get a plain sample text, so every
 * mapped field shows what its transform makes of a value, or why it refuses one.
 */
const SEED = 20261203;
const ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';
const SAMPLE_EXTERNAL_ID = '00000000-0000-4000-8000-000000000002';

/** One direction of one field: the sample value read, what the mapping made of it, or why it refused. */
export interface PreviewStep {
  sample: unknown;
  result?: unknown;
  error?: string;
}

/** One field of the definition, both ways (a direction it does not flow in is absent). */
export interface PreviewField {
  dataverse: string;
  mailplus: string;
  direction: string;
  toMailplus?: PreviewStep;
  toDataverse?: PreviewStep;
}

export interface MappingPreview {
  /** Field by field, for the editor's two tables. */
  fields: PreviewField[];
  /** The generated Dataverse row, limited to the columns the definition reads. */
  dataverseSample: Record<string, unknown>;
  /** What that row becomes in Mail+ (fields flowing to Mail+). */
  toMailplus: { properties: Record<string, unknown>; permissions: unknown[]; errors: FieldError[] };
  /** The generated Mail+ contact, limited to the properties the definition reads. */
  mailplusSample: Record<string, unknown>;
  /** What that contact becomes in Dataverse (fields flowing to Dataverse). */
  toDataverse: { values: Record<string, unknown>; errors: FieldError[] };
}

/** A Random that always answers the same, so the sample's permissions and interests never change. */
const fixedRandom = {
  float: () => 0.25,
  bytes: (length: number) => Buffer.alloc(length, 7),
  uuid: () => SAMPLE_EXTERNAL_ID,
};

export function previewMapping(def: SyncDefinition): MappingPreview {
  const person = createSyntheticPeople({ seed: SEED })(0);
  const row: Record<string, unknown> = {
    contactid: SAMPLE_EXTERNAL_ID,
    ...contactFieldsOf(person, ACCOUNT_ID),
    telephone1: '+31201234567',
    [`_parentcustomerid_value@${FORMATTED_VALUE}`]: person.company,
    [`_parentcustomerid_value@${LOOKUP_LOGICAL_NAME}`]: 'account',
  };
  const dataverseSample: Record<string, unknown> = {};
  for (const column of mappedDataverseColumns(def)) {
    if (!(column in row)) row[column] = `Sample ${column}`;
    dataverseSample[column] = row[column];
    for (const annotation of [FORMATTED_VALUE, LOOKUP_LOGICAL_NAME]) {
      const key = `${column}@${annotation}`;
      if (key in row) dataverseSample[key] = row[key];
    }
  }
  const properties: Record<string, unknown> = {
    ...contactProperties(person, fixedRandom),
    phoneNumber: '+31201234567',
  };
  const mailplusSample: Record<string, unknown> = {};
  for (const name of mappedMailplusProperties(def)) {
    mailplusSample[name] = name in properties ? properties[name] : `Sample ${name}`;
  }
  const mailplus = mapToMailplus(row, def);
  const dataverse = mapToDataverse({ externalId: SAMPLE_EXTERNAL_ID, properties: mailplusSample }, def);
  const fields = def.fields.map((field): PreviewField => {
    const key = fieldKey(field);
    const refused = (errors: FieldError[]) => errors.find((e) => e.field === key)?.message;
    const entry: PreviewField = {
      dataverse: field.dataverse,
      mailplus: field.mailplus,
      direction: field.direction,
    };
    if (flowsToMailplus(field)) {
      const error = refused(mailplus.errors);
      entry.toMailplus = {
        sample: readDataverse(row, field) ?? null,
        ...(error ? { error } : { result: mailplusResult(field, mailplus.values.properties) }),
      };
    }
    if (flowsToDataverse(field)) {
      const error = refused(dataverse.errors);
      entry.toDataverse = {
        sample: readMailplus(mailplusSample, field),
        ...(error ? { error } : { result: dataverse.values[field.dataverse] ?? null }),
      };
    }
    return entry;
  });
  return {
    fields,
    dataverseSample,
    toMailplus: { ...mailplus.values, errors: mailplus.errors },
    mailplusSample,
    toDataverse: dataverse,
  };
}

/** A street-and-number field writes two properties; every other field one. */
function mailplusResult(field: FieldMapping, properties: Record<string, unknown>): unknown {
  if (field.transform.name === 'street-house-number') {
    const houseNumber = field.transform.houseNumber;
    return {
      [field.mailplus]: properties[field.mailplus] ?? null,
      [houseNumber]: properties[houseNumber] ?? null,
    };
  }
  return properties[field.mailplus] ?? null;
}
