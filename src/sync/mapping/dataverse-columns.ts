/**
 * What the mapping needs to know about Dataverse contact columns: maximum lengths of the standard string
 * columns (CRM 8.1 attribute metadata; address1_* from customeraddress, which backs them), the columns
 * Dataverse maintains itself, and how a one-level lookup path such as `parentcustomerid_account.name`
 * is read.
 */
export const DATAVERSE_MAX_LENGTH: Readonly<Record<string, number>> = {
  firstname: 50,
  middlename: 50,
  lastname: 50,
  nickname: 50,
  salutation: 100,
  suffix: 10,
  emailaddress1: 100,
  emailaddress2: 100,
  emailaddress3: 100,
  telephone1: 50,
  telephone2: 50,
  telephone3: 50,
  mobilephone: 50,
  fax: 50,
  address1_line1: 250,
  address1_line2: 250,
  address1_line3: 250,
  address1_postalcode: 20,
  address1_city: 80,
  address1_stateorprovince: 50,
  address1_country: 80,
  company: 50,
  department: 100,
  jobtitle: 100,
  employeeid: 50,
  governmentid: 50,
  externaluseridentifier: 50,
  assistantname: 100,
  spousesname: 100,
  websiteurl: 200,
  description: 2000,
};

/** Computed or system-maintained columns: readable, but a write to them is refused. */
export const READ_ONLY_COLUMNS: ReadonlySet<string> = new Set([
  'fullname',
  'createdon',
  'modifiedon',
  'versionnumber',
  'statecode',
  'statuscode',
  'createdby',
  'modifiedby',
]);

export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';

/** Customer lookups are polymorphic: the navigation property names the target (`parentcustomerid_account`). */
const POLYMORPHIC_TARGETS = ['account', 'contact'] as const;
const PRIMARY_NAMES: Readonly<Record<string, string>> = { account: 'name', contact: 'fullname' };

export interface LookupPath {
  /** The navigation property as written, e.g. `parentcustomerid_account`. */
  navigation: string;
  /** The lookup column, e.g. `parentcustomerid`; Dataverse returns it as `_parentcustomerid_value`. */
  lookup: string;
  /** The target table when the navigation property names it (Customer lookups), else null. */
  target: string | null;
  /** The attribute of the related row, e.g. `name`. */
  attribute: string;
}

const LOOKUP_PATH = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/;

export function isLookupPath(dataverse: string): boolean {
  return dataverse.includes('.');
}

export function parseLookupPath(dataverse: string): LookupPath | null {
  const match = LOOKUP_PATH.exec(dataverse);
  if (!match) return null;
  const navigation = match[1]!;
  const target = POLYMORPHIC_TARGETS.find((t) => navigation.endsWith(`_${t}`)) ?? null;
  const lookup = target ? navigation.slice(0, -(target.length + 1)) : navigation;
  return { navigation, lookup, target, attribute: match[2]! };
}

/**
 * Change tracking allows only $select (no $expand, dynamics.md §2.4), so the only readable attribute of
 * the related row is its primary name, which Dataverse sends as the lookup's FormattedValue annotation.
 */
export function isPrimaryNameOf(path: LookupPath): boolean {
  if (path.target) return PRIMARY_NAMES[path.target] === path.attribute;
  return path.attribute === 'name' || path.attribute === 'fullname' || path.attribute.endsWith('_name');
}

export function lookupValueColumn(path: LookupPath): string {
  return `_${path.lookup}_value`;
}

/** Reads the related row's primary name from a row fetched with FormattedValue annotations. */
export function readLookupName(row: Readonly<Record<string, unknown>>, path: LookupPath): unknown {
  const column = lookupValueColumn(path);
  if (!(column in row)) return undefined;
  if (row[column] === null) return null;
  // A Customer lookup may point at a contact while the path asks for an account: that is no company name.
  const target = row[`${column}@${LOOKUP_LOGICAL_NAME}`];
  if (path.target && typeof target === 'string' && target !== path.target) return null;
  // Without the annotation (the Prefer header was not sent) the name is unknown, not empty: omit it.
  const name = row[`${column}@${FORMATTED_VALUE}`];
  return typeof name === 'string' ? name : undefined;
}
