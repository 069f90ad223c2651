import type { ApiRequest, ApiResponse } from './api-types.js';
import { JSON_CONTENT_TYPE } from './api-types.js';
import { assertNotExpired, changesBetween, formatDeltaToken, parseDeltaToken } from './change-tracking.js';
import type { EmulatorContext } from './emulator-context.js';
import { compareNonNull, evaluate, type Literal } from './odata-filter.js';
import { decodeSkipToken, encodeSkipToken, withOption } from './paging-cookie.js';
import { contextUrl, project } from './projection.js';
import {
  MAX_PAGE_SIZE,
  type Preferences,
  type QueryOptions,
  readPreferences,
  readQueryOptions,
} from './query-options.js';
import type { Row } from './store.js';

type Page = { value: Row[]; nextLink?: string; deltaLink?: string };

/** Which contacts a collection holds, and its path for links: all contacts, or a list's members. */
export interface ContactCollection {
  path: string;
  includes: (row: Row) => boolean;
}

const ALL_CONTACTS: ContactCollection = { path: 'contacts', includes: () => true };

/** GET contacts: a plain (filtered, ordered, paged) read, the first change-tracking read, or a delta. */
export function readContactCollection(
  req: ApiRequest,
  ctx: EmulatorContext,
  collection: ContactCollection = ALL_CONTACTS,
): ApiResponse {
  const prefs = readPreferences(req.headers.prefer);
  const options = readQueryOptions(req.query, prefs.trackChanges, ctx.columns);
  const delta = options.deltaToken !== null;
  const page = delta ? readDelta(options, prefs, ctx) : readCurrent(options, prefs, ctx, collection);
  const applied = [
    prefs.maxPageSize ? `odata.maxpagesize=${prefs.maxPageSize}` : '',
    prefs.trackChanges ? 'odata.track-changes' : '',
    prefs.annotations ? `odata.include-annotations="${prefs.annotations}"` : '',
  ].filter(Boolean);
  return {
    status: 200,
    headers: {
      'Content-Type': `${JSON_CONTENT_TYPE}; odata.streaming=true`,
      'OData-Version': '4.0',
      ...(applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {}),
    },
    body: {
      '@odata.context': contextUrl(ctx.apiBase, options.select, delta ? '/$delta' : ''),
      value: page.value,
      ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
      ...(page.deltaLink ? { '@odata.deltaLink': page.deltaLink } : {}),
    },
  };
}

function readCurrent(
  options: QueryOptions,
  prefs: Preferences,
  ctx: EmulatorContext,
  collection: ContactCollection,
): Page {
  const cursor = options.skipToken ? decodeSkipToken(options.skipToken) : null;
  // The version a tracking read started at rides along in the cursor, so its delta link covers
  // everything that changed while the client was still paging.
  const tracking = prefs.trackChanges || (cursor?.tracking ?? false);
  const snapshot = cursor?.tracking ? Number(cursor.after[0]) : ctx.store.currentVersion;
  const keyOf = (row: Row) => [...options.orderBy.map((o) => row[o.column] ?? null), row.contactid];
  const compare = (a: unknown[], b: unknown[]) => compareKeys(a, b, options.orderBy);
  const after = cursor ? (cursor.tracking ? cursor.after.slice(1) : cursor.after) : null;
  const matches = (row: Row) =>
    collection.includes(row) && (!options.filter || evaluate(options.filter, row));
  const limit =
    prefs.maxPageSize ?? (options.top !== null ? Math.min(options.top, MAX_PAGE_SIZE) : MAX_PAGE_SIZE);
  const { served, beyond } =
    options.orderBy.length === 0
      ? inIdOrder(ctx, matches, after?.[0] as string | undefined, limit)
      : sorted(
          ctx,
          matches,
          (row) => !after || compare(keyOf(row), after) > 0,
          (a, b) => compare(keyOf(a), keyOf(b)),
          limit,
        );
  const value = served.map((row) => project(row, options.select, prefs.annotations, ctx.store, ctx.columns));
  const link = `${ctx.apiBase}${collection.path}?${options.baseQuery}`;
  const more = beyond && (prefs.maxPageSize !== null || options.top === null);
  if (more) {
    const last = keyOf(served.at(-1)!);
    const page = cursor ? cursor.page + 1 : 1;
    const token = encodeSkipToken({ page, tracking, after: tracking ? [snapshot, ...last] : last });
    return { value, nextLink: withOption(link, '$skiptoken', token) };
  }
  if (!tracking) return { value };
  return { value, deltaLink: deltaLinkFor(options, ctx, snapshot) };
}

interface Slice {
  served: Row[];
  /** Whether more matching rows follow the served ones. */
  beyond: boolean;
}

/** Without $orderby rows come in contactid order: walk the store's id order from the cursor on. */
function inIdOrder(
  ctx: EmulatorContext,
  matches: (row: Row) => boolean,
  after: string | undefined,
  limit: number,
): Slice {
  const ids = ctx.store.idsInOrder();
  const served: Row[] = [];
  for (let i = after === undefined ? 0 : upperBound(ids, after); i < ids.length; i++) {
    const row = ctx.store.contacts.get(ids[i]!)!;
    if (!matches(row)) continue;
    if (served.length === limit) return { served, beyond: true };
    served.push(row);
  }
  return { served, beyond: false };
}

/** The first index whose id sorts after `after`. */
function upperBound(ids: readonly string[], after: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNonNull(ids[mid]!, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sorted(
  ctx: EmulatorContext,
  matches: (row: Row) => boolean,
  afterCursor: (row: Row) => boolean,
  order: (a: Row, b: Row) => number,
  limit: number,
): Slice {
  const rows = [...ctx.store.contacts.values()].filter((row) => matches(row) && afterCursor(row)).sort(order);
  return { served: rows.slice(0, limit), beyond: rows.length > limit };
}

function readDelta(options: QueryOptions, prefs: Preferences, ctx: EmulatorContext): Page {
  const token = parseDeltaToken(options.deltaToken!);
  assertNotExpired(token, ctx.clock.now(), ctx.changeTokenLifetimeMs);
  const cursor = options.skipToken ? decodeSkipToken(options.skipToken) : null;
  const [until, inDeletes, afterVersion] = cursor
    ? (cursor.after as [number, boolean, number])
    : [ctx.store.currentVersion, false, token.version];
  const entries = changesBetween(ctx.store, token.version, until, { inDeletes, afterVersion });
  const limit = prefs.maxPageSize ?? MAX_PAGE_SIZE;
  const served = entries.slice(0, limit);
  const value = served.map((entry) =>
    entry.kind === 'upsert'
      ? project(entry.row, options.select, prefs.annotations, ctx.store, ctx.columns)
      : {
          '@odata.context': `${ctx.apiBase}$metadata#contacts/$deletedEntity`,
          id: entry.tombstone.id,
          reason: 'deleted',
        },
  );
  if (entries.length > limit) {
    const last = served.at(-1)!;
    const after =
      last.kind === 'upsert'
        ? [until, false, Number(last.row.versionnumber)]
        : [until, true, last.tombstone.version];
    const token = encodeSkipToken({ page: (cursor?.page ?? 0) + 1, tracking: true, after });
    return {
      value,
      nextLink: withOption(`${ctx.apiBase}contacts?${options.baseQuery}`, '$skiptoken', token),
    };
  }
  return { value, deltaLink: deltaLinkFor(options, ctx, until) };
}

function deltaLinkFor(options: QueryOptions, ctx: EmulatorContext, version: number): string {
  const query = new URLSearchParams(options.baseQuery.replaceAll('+', '%2B'));
  query.delete('$deltatoken');
  const select = query.get('$select');
  const base = `${ctx.apiBase}contacts${select ? `?$select=${select}` : ''}`;
  const token = formatDeltaToken(version, ctx.clock.now());
  return `${base}${base.includes('?') ? '&' : '?'}$deltatoken=${encodeURIComponent(token).replaceAll('!', '%21').toLowerCase()}`;
}

function compareKeys(a: unknown[], b: unknown[], orderBy: QueryOptions['orderBy']): number {
  for (let i = 0; i < a.length; i++) {
    const descending = orderBy[i]?.descending ?? false;
    const order = compareNullable(a[i] as Literal, b[i] as Literal);
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

/** Nulls sort first ascending, as in SQL Server. */
function compareNullable(a: Literal, b: Literal): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareNonNull(a, b);
}
