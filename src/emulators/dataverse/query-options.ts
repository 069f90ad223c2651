import { parsePrefer } from './api-types.js';
import { CONTACT_COLUMNS, type ContactColumns } from './contact-schema.js';
import { faults } from './dataverse-errors.js';
import { type FilterNode, parseFilter } from './odata-filter.js';

export const MAX_PAGE_SIZE = 5000;

export interface QueryOptions {
  select: string[] | null;
  filter: FilterNode | null;
  orderBy: Array<{ column: string; descending: boolean }>;
  top: number | null;
  skipToken: string | null;
  deltaToken: string | null;
  /** The query string without $skiptoken, reused to build @odata.nextLink. */
  baseQuery: string;
}

export interface Preferences {
  maxPageSize: number | null;
  trackChanges: boolean;
  annotations: string | null;
  returnRepresentation: boolean;
  continueOnError: boolean;
}

const SUPPORTED = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$skiptoken',
  '$deltatoken',
  '$expand',
  '$count',
]);

export function readPreferences(header: string | undefined): Preferences {
  const prefs = parsePrefer(header);
  const size = Number(prefs.get('odata.maxpagesize'));
  return {
    maxPageSize: Number.isInteger(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : null,
    trackChanges: prefs.has('odata.track-changes'),
    annotations: prefs.get('odata.include-annotations') ?? null,
    returnRepresentation: prefs.get('return') === 'representation',
    continueOnError: prefs.has('odata.continue-on-error'),
  };
}

/** Parses and validates the system query options of a contacts request, rejecting what Dataverse rejects. */
export function readQueryOptions(
  rawQuery: string,
  trackChanges: boolean,
  columns: ContactColumns = CONTACT_COLUMNS,
): QueryOptions {
  const params = new URLSearchParams(rawQuery);
  if (params.has('$skip')) throw faults.skipNotSupported();
  for (const name of params.keys()) {
    if (name.startsWith('$') && !SUPPORTED.has(name)) throw faults.querySyntax();
  }
  const deltaToken = params.get('$deltatoken');
  if (trackChanges || deltaToken !== null) {
    for (const option of ['$filter', '$orderby', '$expand', '$top']) {
      if (params.has(option)) throw faults.trackChangesOption(option);
    }
  }
  const kept = new URLSearchParams([...params].filter(([name]) => name !== '$skiptoken'));
  return {
    select: readSelect(params.get('$select'), columns),
    filter: params.has('$filter') ? parseFilter(params.get('$filter')!, columns) : null,
    orderBy: readOrderBy(params.get('$orderby'), columns),
    top: readTop(params.get('$top')),
    skipToken: params.get('$skiptoken'),
    deltaToken,
    // Keep '$' and ',' readable in links, as Dataverse's own links do; a literal '+' was already %2B.
    baseQuery: kept.toString().replaceAll('+', '%20').replaceAll('%24', '$').replaceAll('%2C', ','),
  };
}

export function readSelect(raw: string | null, columns: ContactColumns = CONTACT_COLUMNS): string[] | null {
  if (raw === null) return null;
  const names = raw.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!columns[name]) throw faults.unknownProperty(name);
  }
  return names;
}

function readOrderBy(raw: string | null, columns: ContactColumns): QueryOptions['orderBy'] {
  if (raw === null) return [];
  return raw.split(',').map((clause) => {
    const [column = '', direction = 'asc', ...rest] = clause.trim().split(/\s+/);
    if (rest.length > 0 || !['asc', 'desc'].includes(direction)) throw faults.querySyntax();
    if (!columns[column]) throw faults.unknownProperty(column);
    return { column, descending: direction === 'desc' };
  });
}

function readTop(raw: string | null): number | null {
  if (raw === null) return null;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 0) throw faults.querySyntax();
  return top;
}
