import { CONTACT_COLUMNS, type Column, type ContactColumns } from './contact-schema.js';
import type { DataverseStore, Row } from './store.js';

const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
/** Column names per table, listed once: every row of every page is projected over them. */
const namesOf = new WeakMap<ContactColumns, string[]>();

function allColumns(columns: ContactColumns): string[] {
  const known = namesOf.get(columns);
  if (known) return known;
  const names = Object.keys(columns);
  namesOf.set(columns, names);
  return names;
}

export function etagOf(row: Row): string {
  return `W/"${String(row.versionnumber)}"`;
}

/** `@odata.context` for a contacts response: `$metadata#contacts(cols)` plus a suffix like `/$entity`. */
export function contextUrl(apiBase: string, select: string[] | null, suffix = ''): string {
  return `${apiBase}$metadata#contacts${select ? `(${select.join(',')})` : ''}${suffix}`;
}

/**
 * Shapes one row the way Dataverse serialises it: etag first, the selected columns (all when there is
 * no $select, nulls included), then the primary key. Annotations are added only when asked for.
 */
export function project(
  row: Row,
  select: string[] | null,
  annotations: string | null,
  store: DataverseStore,
  columns: ContactColumns = CONTACT_COLUMNS,
): Row {
  const out: Row = { '@odata.etag': etagOf(row) };
  for (const name of select ?? allColumns(columns)) {
    if (name === 'contactid') continue;
    if (annotations && wantsFormatted(annotations)) annotate(out, columns[name], name, row, store);
    out[name] = row[name] ?? null;
  }
  out.contactid = row.contactid;
  return out;
}

function wantsFormatted(annotations: string): boolean {
  return annotations === '*' || annotations.includes(FORMATTED);
}

function annotate(out: Row, column: Column | undefined, name: string, row: Row, store: DataverseStore): void {
  const value = row[name];
  if (!column || value === null || value === undefined) return;
  if (column.type === 'lookup') {
    const account = store.accounts.get(String(value));
    if (account) out[`${name}@${FORMATTED}`] = account.name;
    out[`${name}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = 'parentcustomerid_account';
    out[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = column.target;
  } else if (column.options) {
    const label = column.options[Number(value)];
    if (label) out[`${name}@${FORMATTED}`] = label;
  }
}
