import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open-store.js';
import type { AuditLogTable } from '../store/schema.js';

/** What an administrative action was, by whom, from where, with which result. Never personal data. */
export interface AuditInput {
  /** The username, or `cli:<user>` style labels such as `cli` for the shell, `-` for nobody known. */
  actor: string;
  /** The client's address, or `cli` for a command run on the machine. */
  address: string;
  /** e.g. `session.login`, `tenant.set`, `dlq.replay`. */
  action: string;
  /** What it concerns, by id (a tenant id, a username, a dead letter's seq). */
  target?: string | null;
  result: 'ok' | 'refused' | 'failed';
  /** Ids, counts and field names only. */
  detail?: Record<string, string | number | boolean | null | string[] | number[]>;
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  address: string;
  action: string;
  target: string | null;
  result: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; badSeq: number; why: string };

/** The hash the first entry follows when nothing was ever purged. */
export const GENESIS_HASH = '0'.repeat(64);

/** The SHA-256 of an entry: the previous hash, then every field in a fixed order. */
export function entryHash(prevHash: string, e: Omit<AuditLogTable, 'hash' | 'prev_hash'>): string {
  const body = JSON.stringify([e.seq, e.at, e.actor, e.address, e.action, e.target, e.result, e.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * The append-only, hash-chained audit log. Each entry holds the SHA-256 of the one before, so an edited,
 * inserted or deleted row breaks the chain from there on; the head is also written to the log files, so
 * rewriting the whole chain shows against them. Retention purges the oldest entries and records the hash
 * the first kept entry follows (audit_anchor), so the rest stays verifiable.
 */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: () => Logger,
  ) {}

  async append(input: AuditInput): Promise<AuditEntry> {
    const entry = await this.store.db.transaction().execute(async (trx) => {
      // One writer at a time across processes: PostgreSQL by an advisory lock for this transaction,
      // SQLite by its single write transaction (the insert below takes it).
      if (this.store.dialect === 'postgres')
        await sql`SELECT pg_advisory_xact_lock(hashtext('koppel_audit_log'))`.execute(trx);
      const last = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const anchor = last
        ? undefined
        : await trx.selectFrom('audit_anchor').select(['seq', 'hash']).executeTakeFirst();
      const prev = last ?? anchor ?? { seq: 0, hash: GENESIS_HASH };
      const row = {
        seq: Number(prev.seq) + 1,
        at: this.clock.now(),
        actor: input.actor,
        address: input.address,
        action: input.action,
        target: input.target ?? null,
        result: input.result,
        detail: JSON.stringify(input.detail ?? {}),
      };
      const full = { ...row, prev_hash: prev.hash, hash: entryHash(prev.hash, row) };
      await trx.insertInto('audit_log').values(full).execute();
      return full;
    });
    this.log().info(
      { event: 'audit.head', seq: entry.seq, hash: entry.hash, action: entry.action, result: entry.result },
      'audit log appended',
    );
    return toEntry(entry);
  }

  async list(options: { since?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    let query = this.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc');
    if (options.since !== undefined) query = query.where('at', '>=', options.since);
    if (options.limit !== undefined) query = query.limit(options.limit);
    return (await query.execute()).map(toEntry);
  }

  /**
   * One page of entries, newest first, for the console: up to `limit` entries before seq `before`
   * (all when not given), and the seq to ask for the next page (null on the last one).
   */
  async page(options: { before?: number; limit: number }): Promise<{
    entries: AuditEntry[];
    next: number | null;
  }> {
    let query = this.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc');
    if (options.before !== undefined) query = query.where('seq', '<', options.before);
    const rows = (await query.limit(options.limit + 1).execute()).map(toEntry);
    const entries = rows.slice(0, options.limit);
    return { entries, next: rows.length > options.limit ? (entries.at(-1)?.seq ?? null) : null };
  }

  /** Walks the whole chain; the first entry whose stored or recomputed hash does not match is named. */
  async verify(): Promise<AuditVerification> {
    const anchor = await this.store.db.selectFrom('audit_anchor').select(['seq', 'hash']).executeTakeFirst();
    let prevHash = anchor?.hash ?? GENESIS_HASH;
    let expectedSeq = Number(anchor?.seq ?? 0) + 1;
    let entries = 0;
    const rows = await this.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq)
        return { ok: false, entries, badSeq: seq, why: `entry ${expectedSeq} is missing before it` };
      if (row.prev_hash !== prevHash)
        return { ok: false, entries, badSeq: seq, why: 'its previous hash does not match the entry before' };
      const { hash, prev_hash, ...fields } = row;
      if (entryHash(prev_hash, { ...fields, seq, at: Number(row.at) }) !== hash)
        return { ok: false, entries, badSeq: seq, why: 'its contents do not match its hash' };
      prevHash = hash;
      expectedSeq = seq + 1;
      entries++;
    }
    return { ok: true, entries, head: prevHash };
  }

  /** Retention: deletes entries older than `before`, recording the hash the first kept entry follows. */
  async purge(before: number): Promise<number> {
    return this.store.db.transaction().execute(async (trx) => {
      if (this.store.dialect === 'postgres')
        await sql`SELECT pg_advisory_xact_lock(hashtext('koppel_audit_log'))`.execute(trx);
      const last = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .where('at', '<', before)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last) return 0;
      const anchor = { seq: Number(last.seq), hash: last.hash, purged_at: this.clock.now() };
      await trx
        .insertInto('audit_anchor')
        .values({ id: 1, ...anchor })
        .onConflict((oc) => oc.column('id').doUpdateSet(anchor))
        .execute();
      const result = await trx.deleteFrom('audit_log').where('seq', '<=', anchor.seq).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /** For retention status: how many entries and the oldest. */
  async extent(): Promise<{ count: number; oldest: number | null }> {
    const row = await this.store.db
      .selectFrom('audit_log')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min<number>('at').as('oldest')])
      .executeTakeFirst();
    return { count: Number(row?.count ?? 0), oldest: row?.oldest == null ? null : Number(row.oldest) };
  }
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actor: row.actor,
    address: row.address,
    action: row.action,
    target: row.target,
    result: row.result,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
