import type { ContactRow } from '../connectors/dynamics/index.js';
import { isGloballyOptedOut, type MailplusContact, permissionsOf } from '../connectors/mailplus/index.js';
import type { SyncContext } from './sync-context.js';

const INDEX_DONE = 'done';
const CHUNK = 500;

export interface PageMatch {
  /** contactid -> the existing Mail+ contact it is (same externalId, or one contact with its e-mail). */
  existing: Map<string, { mailplusId: string; optedOut: boolean; offBits: number[] }>;
  /** contactid -> how many Mail+ contacts share its e-mail address when none has its contactid. */
  ambiguous: Map<string, number>;
}

/**
 * Before the first initial load, reads every existing Mail+ contact once into an index of ids, keyed
 * e-mail hashes and consent (never addresses), so the load matches existing people by externalId, then
 * by e-mail, instead of creating duplicates, and never re-enables what they switched off.
 */
export async function indexMailplusOnce(ctx: SyncContext): Promise<void> {
  if ((await ctx.checkpoints.get(ctx.tenantId, 'mailplus-index')) === INDEX_DONE) return;
  const db = ctx.store.db;
  await db.deleteFrom('sync_mailplus_index').where('tenant_id', '=', ctx.tenantId).execute();
  for await (const page of ctx.mailplus.allContacts(ctx.clock.now())) {
    for (let i = 0; i < page.length; i += CHUNK) {
      await db
        .insertInto('sync_mailplus_index')
        .values(page.slice(i, i + CHUNK).map((contact) => indexRow(ctx, contact)))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
  await ctx.checkpoints.set(ctx.tenantId, 'mailplus-index', INDEX_DONE);
}

function indexRow(ctx: SyncContext, contact: MailplusContact) {
  const email = contact.properties.email;
  const offBits = [...permissionsOf(contact)].filter(([, on]) => !on).map(([bit]) => bit);
  return {
    tenant_id: ctx.tenantId,
    mailplus_id: contact.externalId,
    email_hash: typeof email === 'string' && email.trim() ? emailHash(ctx, email) : null,
    opted_out: isGloballyOptedOut(contact) ? 1 : 0,
    off_bits: JSON.stringify(offBits),
  };
}

function emailHash(ctx: SyncContext, email: string): string {
  return ctx.hasher.hash('match:email', email.trim().toLowerCase());
}

/** Matches one page of Dataverse rows against the index: by externalId first, then by e-mail. */
export async function matchPage(ctx: SyncContext, rows: readonly ContactRow[]): Promise<PageMatch> {
  const db = ctx.store.db;
  const match: PageMatch = { existing: new Map(), ambiguous: new Map() };
  if (rows.length === 0) return match;
  const byId = await db
    .selectFrom('sync_mailplus_index')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where(
      'mailplus_id',
      'in',
      rows.map((r) => r.contactid),
    )
    .execute();
  for (const row of byId) match.existing.set(row.mailplus_id, consentOf(row.mailplus_id, row));
  const rest = rows.filter((r) => !match.existing.has(r.contactid) && typeof r.emailaddress1 === 'string');
  const hashes = new Map(rest.map((r) => [r.contactid, emailHash(ctx, String(r.emailaddress1))]));
  if (hashes.size === 0) return match;
  const byEmail = await db
    .selectFrom('sync_mailplus_index')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('email_hash', 'in', [...new Set(hashes.values())])
    .execute();
  for (const [contactId, hash] of hashes) {
    const candidates = byEmail.filter((row) => row.email_hash === hash);
    if (candidates.length === 1)
      match.existing.set(contactId, consentOf(candidates[0]!.mailplus_id, candidates[0]!));
    else if (candidates.length > 1) match.ambiguous.set(contactId, candidates.length);
  }
  return match;
}

function consentOf(mailplusId: string, row: { opted_out: number; off_bits: string }) {
  return { mailplusId, optedOut: row.opted_out === 1, offBits: JSON.parse(row.off_bits) as number[] };
}

/** The index has done its work once the initial load is complete; it is not kept. */
export async function dropMailplusIndex(ctx: SyncContext): Promise<void> {
  await ctx.store.db.deleteFrom('sync_mailplus_index').where('tenant_id', '=', ctx.tenantId).execute();
}
