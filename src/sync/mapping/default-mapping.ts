import {
  type FieldMappingInput,
  parseSyncDefinition,
  type SyncDefinition,
  type SyncDefinitionInput,
} from './sync-definition.js';

/**
 * The default definition: standard Dataverse contact columns to the standard Mail+ properties
 * (spotler.md §1.5, dynamics.md §5.1). Dataverse owns master data (it is the CRM); Mail+ owns consent,
 * because that is where people use the unsubscribe link. The company name only flows to Mail+: it
 * comes through the parentcustomerid lookup, which koppel cannot write. docs/mapping.md has the table.
 */
type FieldInput = FieldMappingInput;

const both = (
  dataverse: string,
  mailplus: string,
  category: FieldInput['category'],
  transform?: FieldInput['transform'],
): FieldInput => ({ dataverse, mailplus, direction: 'both', owner: 'dataverse', category, transform });

export const DEFAULT_FIELDS: readonly FieldInput[] = [
  both('emailaddress1', 'email', 'email', 'email'),
  both('firstname', 'firstName', 'name'),
  // No tussenvoegsel column exists in Dataverse; Dutch orgs keep it in middlename.
  both('middlename', 'infix', 'name', 'infix'),
  both('lastname', 'lastName', 'name'),
  both('gendercode', 'gender', 'gender', 'gender'),
  both('birthdate', 'birthday', 'birthdate', 'date'),
  both('address1_line1', 'street', 'address', { name: 'street-house-number', houseNumber: 'houseNumber' }),
  both('address1_postalcode', 'postalCode', 'address', 'postcode'),
  both('address1_city', 'city', 'address'),
  both('address1_country', 'country', 'address', 'country'),
  both('mobilephone', 'mobileNumber', 'phone', 'phone'),
  both('telephone1', 'phoneNumber', 'phone', 'phone'),
  both('jobtitle', 'jobTitle', 'jobtitle'),
  both('department', 'department', 'company'),
  {
    dataverse: 'parentcustomerid_account.name',
    mailplus: 'organisation',
    direction: 'to-mailplus',
    category: 'company',
  },
];

export const DEFAULT_PERMISSIONS: SyncDefinitionInput['permissions'] = [
  // Newsletter (bit 1, spotler.md §1.6) <-> "Bulk e-mail: Do Not Allow".
  {
    bit: 1,
    dataverse: { column: 'donotbulkemail', meaning: 'do-not' },
    direction: 'both',
    owner: 'mailplus',
  },
];

export interface DefaultOptions {
  scope?: SyncDefinitionInput['scope'];
  /**
   * The account's properties (/contact/properties/list). When given, optional fields whose property the
   * account lacks are left out (e.g. phoneNumber), and the permission only when the account has bit 1.
   */
  mailplusProperties?: ReadonlyArray<{ name: string; entries?: ReadonlyArray<{ bit: number }> }>;
}

export function defaultSyncDefinition(options: DefaultOptions = {}): SyncDefinition {
  const known = options.mailplusProperties && new Map(options.mailplusProperties.map((p) => [p.name, p]));
  const has = (name: string) => !known || known.has(name);
  const fields = DEFAULT_FIELDS.filter(
    (f) =>
      f.mailplus === 'email' ||
      (has(f.mailplus) && (typeof f.transform !== 'object' || has(houseNumberOf(f)))),
  );
  const bits = known ? (known.get('permissions')?.entries ?? []).map((e) => e.bit) : null;
  const permissions = (DEFAULT_PERMISSIONS ?? []).filter((p) => bits === null || bits.includes(p.bit));
  return parseSyncDefinition({ scope: options.scope ?? { kind: 'all-active' }, fields, permissions });
}

function houseNumberOf(field: FieldInput): string {
  const t = field.transform;
  return typeof t === 'object' && t.name === 'street-house-number' ? t.houseNumber : field.mailplus;
}
