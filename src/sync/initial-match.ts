import type { IndexEntry } from './mailplus-index.js';
import type { CrmRecord, MarketingContact } from './ports/index.js';
import type { SyncContext } from './sync-context.js';

const INDEX_DONE = 'done';

export interface PageMatch {
  /** contactid -> the existing Mail+ contact it is (same externalId, or one contact with its e-mail). */
  existing: Map<string, { mailplusId: string; optedOut: boolean; offBits: number[] }>;
  /**
   * contactid -> how many Mail+ contacts have its e-mail address, when none has its contactid and the
   * address does not pair it with exactly one free Mail+ contact (see matchPage): reported, not created.
   */
  ambiguous: Map<string, number>;
}

/**
 * Before the first initial load, reads every existing Mail+ contact once into an index of ids, keyed
 * e-mail hashes and consent (never addresses), so the load matches existing people by externalId, then
 * by e-mail, instead of creating duplicates, and never re-enables what they switched off.
 */
export async function indexMailplusOnce(ctx: SyncContext): Promise<void> {
  if ((await ctx.checkpoints.get(ctx.tenantId, 'mailplus-index')) === INDEX_DONE) return;
  await ctx.mailplusIndex.clear(ctx.tenantId);
  for await (const page of ctx.mailplus.allContacts(ctx.clock.now())) {
    await ctx.mailplusIndex.add(
      ctx.tenantId,
      page.map((contact) => indexEntry(ctx, contact)),
    );
  }
  await ctx.checkpoints.set(ctx.tenantId, 'mailplus-index', INDEX_DONE);
}

function indexEntry(ctx: SyncContext, contact: MarketingContact): IndexEntry {
  const email = contact.properties.email;
  const { optedOut, permissions } = contact.consent;
  return {
    mailplusId: contact.externalId,
    emailHash: typeof email === 'string' && email.trim() ? emailHash(ctx, email) : null,
    optedOut,
    offBits: [...permissions].filter(([, on]) => !on).map(([bit]) => bit),
  };
}

function emailHash(ctx: SyncContext, email: string): string {
  return ctx.hasher.matchHash('match:email', email.trim().toLowerCase());
}

/**
 * Matches one page of Dataverse rows against the index: by externalId first, then by e-mail. An e-mail
 * match links only when it is one Mail+ contact to one Dataverse contact. Anything else is reported as
 * ambiguous, neither linked nor created: several Mail+ contacts with the address, several Dataverse
 * contacts of this page with it, or a Mail+ contact that is already another contact's (by externalId
 * in this page, or by a link made on an earlier page). A link once made is kept when a page is re-read.
 */
export async function matchPage(ctx: SyncContext, rows: readonly CrmRecord[]): Promise<PageMatch> {
  const match: PageMatch = { existing: new Map(), ambiguous: new Map() };
  if (rows.length === 0) return match;
  const pageIds = new Set(rows.map((r) => r.id));
  for (const entry of await ctx.mailplusIndex.find(ctx.tenantId, 'mailplusId', [...pageIds]))
    match.existing.set(entry.mailplusId, consentOf(entry));
  const emailOf = (r: CrmRecord) => r.fields[ctx.mapper.crmEmailField];
  const hashes = new Map(
    rows
      .filter((r) => !match.existing.has(r.id) && typeof emailOf(r) === 'string')
      .map((r) => [r.id, emailHash(ctx, String(emailOf(r)))]),
  );
  if (hashes.size > 0) await matchByEmail(ctx, hashes, pageIds, match);
  return match;
}

/** `hashes`: contactid -> e-mail hash of the page's rows that no Mail+ contact has by externalId. */
async function matchByEmail(
  ctx: SyncContext,
  hashes: ReadonlyMap<string, string>,
  pageIds: ReadonlySet<string>,
  match: PageMatch,
): Promise<void> {
  const candidates = await ctx.mailplusIndex.find(ctx.tenantId, 'emailHash', [...new Set(hashes.values())]);
  const linked = await ctx.identities.linkedTo(
    ctx.tenantId,
    candidates.map((c) => c.mailplusId),
  );
  const sharers = countBy(hashes.values());
  const free = (c: IndexEntry) => !pageIds.has(c.mailplusId) && !linked.has(c.mailplusId);
  for (const [contactId, hash] of hashes) {
    const mine = candidates.filter((c) => c.emailHash === hash);
    const own = mine.find((c) => linked.get(c.mailplusId) === contactId);
    const only = mine.length === 1 && free(mine[0]!) && sharers.get(hash) === 1 ? mine[0] : undefined;
    const linkTo = own ?? only;
    if (linkTo) match.existing.set(contactId, consentOf(linkTo));
    else if (mine.length > 0) match.ambiguous.set(contactId, mine.length);
  }
}

function countBy(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function consentOf({ mailplusId, optedOut, offBits }: IndexEntry) {
  return { mailplusId, optedOut, offBits };
}

/** The index has done its work once the initial load is complete; it is not kept. */
export async function dropMailplusIndex(ctx: SyncContext): Promise<void> {
  await ctx.mailplusIndex.clear(ctx.tenantId);
}
