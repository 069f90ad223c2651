/**
 * The slice of the Dataverse `contact` table the emulator knows. Types and maximum lengths follow the
 * table's attribute metadata (CRM 8.1 export; address1_* lengths come from customeraddress, which backs
 * them). A property outside this table (and the organisation's custom columns, see `contactColumns`) is
 * rejected the way Dataverse rejects an unknown property.
 */
export type ColumnType =
  | 'string'
  | 'guid'
  | 'int'
  | 'bigint'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'state'
  | 'status'
  | 'lookup';

export interface Column {
  type: ColumnType;
  maxLength?: number;
  /** Computed or system-maintained: readable, never written from a request body. */
  readOnly?: boolean;
  /** Valid option values for picklist, state and status columns. */
  options?: Readonly<Record<number, string>>;
  /** For lookups: the entity the `_x_value` GUID points to. */
  target?: string;
}

const text = (maxLength: number): Column => ({ type: 'string', maxLength });

export const CONTACT_COLUMNS: Readonly<Record<string, Column>> = {
  contactid: { type: 'guid' },
  firstname: text(50),
  middlename: text(50),
  lastname: text(50),
  fullname: { type: 'string', maxLength: 160, readOnly: true },
  nickname: text(50),
  salutation: text(100),
  suffix: text(10),
  emailaddress1: text(100),
  emailaddress2: text(100),
  emailaddress3: text(100),
  telephone1: text(50),
  telephone2: text(50),
  telephone3: text(50),
  mobilephone: text(50),
  address1_line1: text(250),
  address1_line2: text(250),
  address1_line3: text(250),
  address1_postalcode: text(20),
  address1_city: text(80),
  address1_stateorprovince: text(50),
  address1_country: text(80),
  company: text(50),
  department: text(100),
  jobtitle: text(100),
  employeeid: text(50),
  description: text(2000),
  gendercode: { type: 'picklist', options: { 1: 'Male', 2: 'Female' } },
  familystatuscode: { type: 'picklist', options: { 1: 'Single', 2: 'Married', 3: 'Divorced', 4: 'Widowed' } },
  birthdate: { type: 'date' },
  donotbulkemail: { type: 'boolean' },
  donotemail: { type: 'boolean' },
  donotphone: { type: 'boolean' },
  numberofchildren: { type: 'int' },
  statecode: { type: 'state', options: { 0: 'Active', 1: 'Inactive' } },
  statuscode: { type: 'status', options: { 1: 'Active', 2: 'Inactive' } },
  _parentcustomerid_value: { type: 'lookup', readOnly: true, target: 'account' },
  createdon: { type: 'datetime', readOnly: true },
  modifiedon: { type: 'datetime', readOnly: true },
  versionnumber: { type: 'bigint', readOnly: true },
};

/** The columns of one emulated organisation's contact table: the standard ones plus its custom ones. */
export type ContactColumns = Readonly<Record<string, Column>>;

/**
 * A custom column's logical name starts with its publisher's customization prefix (2 to 8 letters or
 * digits, starting with a letter, never `mscrm`) and an underscore, as Dataverse names them.
 */
const CUSTOM_NAME = /^(?!mscrm)[a-z][a-z0-9]{1,7}_[a-z0-9][a-z0-9_]*$/;
/** The column kinds a maker can add that the emulator models (text, yes/no, whole number, choice, date). */
const CUSTOM_TYPES: readonly ColumnType[] = ['string', 'boolean', 'int', 'picklist', 'date'];
/** A multiple-lines text column holds up to 1,048,576 characters; a single line up to 4,000. */
const MAX_TEXT_LENGTH = 1_048_576;

/** The contact table with `custom` columns added; throws when one could not exist in Dataverse. */
export function contactColumns(custom: Readonly<Record<string, Column>> = {}): ContactColumns {
  for (const [name, column] of Object.entries(custom)) {
    const problem = customColumnProblem(name, column);
    if (problem) throw new Error(`customColumns.${name}: ${problem}`);
  }
  const copies = Object.entries(custom).map(([name, column]) => [name, Object.freeze({ ...column })]);
  return Object.freeze({ ...CONTACT_COLUMNS, ...Object.fromEntries(copies) });
}

function customColumnProblem(name: string, column: Column): string | null {
  if (CONTACT_COLUMNS[name]) return 'is a standard column of contact';
  if (!CUSTOM_NAME.test(name))
    return "needs its publisher's prefix, lowercase, e.g. new_klantnummer or cr123_segment";
  if (!CUSTOM_TYPES.includes(column.type))
    return `type '${column.type}' is not modelled for custom columns; use ${CUSTOM_TYPES.join(', ')}`;
  if (column.readOnly || column.target) return 'calculated and lookup columns are not modelled';
  if (column.type === 'string') return lengthProblem(column.maxLength);
  return column.maxLength === undefined ? optionsProblem(column) : 'only text has a maxLength';
}

function lengthProblem(length: number | undefined): string | null {
  const fits = length !== undefined && Number.isInteger(length) && length >= 1 && length <= MAX_TEXT_LENGTH;
  return fits ? null : `a text column needs a maxLength from 1 to ${MAX_TEXT_LENGTH}`;
}

function optionsProblem(column: Column): string | null {
  const isChoice = column.type === 'picklist';
  const hasOptions = Object.keys(column.options ?? {}).length > 0;
  if (isChoice && !hasOptions) return 'a choice column needs its options';
  if (!isChoice && column.options) return 'only a choice column has options';
  return null;
}

/** Single-valued navigation properties that a body may bind with `<name>@odata.bind`. */
export const CONTACT_BINDINGS: Readonly<Record<string, { lookup: string; entitySet: string }>> = {
  parentcustomerid_account: { lookup: '_parentcustomerid_value', entitySet: 'accounts' },
};

/** statecode -> the statuscode Dataverse sets when only the state is given. */
export const DEFAULT_STATUS_FOR_STATE: Readonly<Record<number, number>> = { 0: 1, 1: 2 };

export const ENTITY_TYPE = 'Microsoft.Dynamics.CRM.contact';

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** The OData primitive type name, used in type-mismatch messages. */
export function edmTypeOf(column: Column): string {
  switch (column.type) {
    case 'string':
      return 'Edm.String';
    case 'guid':
    case 'lookup':
      return 'Edm.Guid';
    case 'bigint':
      return 'Edm.Int64';
    case 'boolean':
      return 'Edm.Boolean';
    case 'date':
      return 'Edm.Date';
    case 'datetime':
      return 'Edm.DateTimeOffset';
    default:
      return 'Edm.Int32';
  }
}
