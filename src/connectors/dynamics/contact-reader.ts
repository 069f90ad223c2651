import { PermanentError } from '../../errors.js';
import type { DataverseHttp, DataverseResponse } from './dataverse-http.js';
import { errorFromResponse, pathOf } from './dynamics-errors.js';

/** One contact row as Dataverse returns it: the selected columns, the primary key and the etag. */
export type ContactRow = { contactid: string; '@odata.etag'?: string } & Record<string, unknown>;

export interface ChangePage {
  /** Created or updated rows; Dataverse does not say which. */
  upserts: ContactRow[];
  /** Ids of deleted contacts (the `$deletedEntity` entries). */
  deletes: string[];
  /** Set on the last page only: store it whole, and pass it back for the next round of changes. */
  deltaLink: string | null;
  /**
   * Set on every page but the last: where the read continues. Passed back as the start link, it
   * resumes an interrupted initial load instead of starting over.
   */
  nextLink: string | null;
}

interface CollectionBody {
  value?: Array<Record<string, unknown>>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

export function selectClause(columns: readonly string[]): string {
  const all = [...new Set(['contactid', ...columns])];
  const bad = all.find((c) => !COLUMN.test(c));
  if (bad !== undefined) throw new PermanentError(`Not a Dataverse column name: ${JSON.stringify(bad)}`);
  return `$select=${all.join(',')}`;
}

/**
 * Reads a collection page by page, following @odata.nextLink untouched and sending the same
 * `odata.maxpagesize` each time, so memory stays flat however large the table is.
 */
export async function* readPages(
  http: DataverseHttp,
  firstUrl: string,
  prefer: string[],
): AsyncGenerator<CollectionBody> {
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await http.send({ method: 'GET', url, headers: { Prefer: prefer.join(',') } });
    const body = parseCollection(response, url);
    yield body;
    url = body['@odata.nextLink'];
  }
}

export async function* readContactPages(
  http: DataverseHttp,
  options: { select: readonly string[]; filter?: string; pageSize: number; annotations?: boolean },
): AsyncGenerator<ContactRow[]> {
  // An empty select list reads every column (used to learn the table's columns).
  const query = [
    options.select.length > 0 ? selectClause(options.select) : '',
    options.filter ? `$filter=${encodeURIComponent(options.filter)}` : '',
  ].filter(Boolean);
  const url = `contacts${query.length ? `?${query.join('&')}` : ''}`;
  const prefer = [`odata.maxpagesize=${options.pageSize}`];
  if (options.annotations) prefer.push('odata.include-annotations="*"');
  for await (const body of readPages(http, url, prefer)) {
    yield (body.value ?? []) as ContactRow[];
  }
}

/**
 * Change tracking: without a delta link, the whole table and then a delta link; with one, what changed
 * since. Throws ChangeTrackingExpiredError when the link is too old to use.
 */
export async function* readChangePages(
  http: DataverseHttp,
  options: {
    select: readonly string[];
    /** A delta link, or a next link to resume an interrupted read; none for a full read. */
    deltaLink?: string | null;
    pageSize: number;
    annotations?: boolean;
  },
): AsyncGenerator<ChangePage> {
  const url = options.deltaLink ?? `contacts?${selectClause(options.select)}`;
  const prefer = ['odata.track-changes', `odata.maxpagesize=${options.pageSize}`];
  // Lookups' related-row names (e.g. the company through parentcustomerid) arrive only as annotations.
  if (options.annotations) prefer.push('odata.include-annotations="*"');
  for await (const body of readPages(http, url, prefer)) {
    const page: ChangePage = {
      upserts: [],
      deletes: [],
      deltaLink: body['@odata.deltaLink'] ?? null,
      nextLink: body['@odata.nextLink'] ?? null,
    };
    for (const entry of body.value ?? []) {
      const context = entry['@odata.context'];
      if (typeof context === 'string' && context.endsWith('/$deletedEntity'))
        page.deletes.push(String(entry.id));
      else page.upserts.push(entry as ContactRow);
    }
    if (!page.deltaLink && !body['@odata.nextLink']) {
      throw new PermanentError(
        'Dataverse sent no delta link: is change tracking enabled for the contact table?',
        {
          service: 'dataverse',
        },
      );
    }
    yield page;
  }
}

/** The ids of the contacts on a marketing list, a page at a time (through `listcontact_association`). */
export async function* readListMemberPages(
  http: DataverseHttp,
  options: { listId: string; pageSize: number },
): AsyncGenerator<string[]> {
  const url = `lists(${options.listId})/listcontact_association?$select=contactid`;
  for await (const body of readPages(http, url, [`odata.maxpagesize=${options.pageSize}`])) {
    yield (body.value ?? []).map((row) => String(row.contactid));
  }
}

function parseCollection(response: DataverseResponse, url: string): CollectionBody {
  if (response.status !== 200)
    throw errorFromResponse('GET', pathOf(url), response.status, response.text, null);
  try {
    return JSON.parse(response.text) as CollectionBody;
  } catch (error) {
    throw new PermanentError(
      `Dataverse sent a page that is not JSON (GET ${pathOf(url)})`,
      { service: 'dataverse' },
      { cause: error },
    );
  }
}
