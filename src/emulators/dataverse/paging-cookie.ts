import { faults } from './dataverse-errors.js';

/**
 * The $skiptoken is shaped like Dataverse's paging cookie (`<cookie pagenumber=".." pagingcookie=".."
 * istracking=".." />`) so clients see the same kind of opaque value; what the emulator keeps inside the
 * inner cookie is its own keyset cursor.
 */
export interface PageCursor {
  page: number;
  tracking: boolean;
  /** The sort key of the last row served (order-by values then contactid), or a version cursor. */
  after: unknown[];
}

export function encodeSkipToken(cursor: PageCursor): string {
  const key = Buffer.from(JSON.stringify(cursor.after)).toString('base64url');
  const inner = `<cookie page="${cursor.page}"><key last="${key}" /></cookie>`;
  const paging = encodeURIComponent(encodeURIComponent(inner));
  return `<cookie pagenumber="${cursor.page + 1}" pagingcookie="${paging}" istracking="${cursor.tracking ? 'True' : 'False'}" />`;
}

export function decodeSkipToken(token: string): PageCursor {
  const outer = /^<cookie pagenumber="(\d+)" pagingcookie="([^"]*)" istracking="(True|False)" \/>$/.exec(
    token,
  );
  if (!outer) throw faults.querySyntax();
  try {
    const inner = decodeURIComponent(decodeURIComponent(outer[2]!));
    const key = /<key last="([\w-]*)" \/>/.exec(inner)?.[1] ?? '';
    const after = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(after)) throw new Error('cursor is not a list');
    return { page: Number(outer[1]) - 1, tracking: outer[3] === 'True', after };
  } catch {
    throw faults.querySyntax();
  }
}

/** Appends a query option to a link the way Dataverse writes its links: percent-encoded value. */
export function withOption(link: string, name: string, value: string): string {
  return `${link}${link.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}
