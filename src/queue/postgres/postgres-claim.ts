import { CompiledQuery, type Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';
import type { Database } from '../../store/schema.js';
import type { ClaimedRow, ClaimParams, Lease, NewMessageRow, QueueBackend } from '../claim-strategy.js';

/**
 * Head-of-key claim for many concurrent workers: FOR UPDATE SKIP LOCKED lets each worker take rows no
 * other worker is claiming right now. Per-key order still holds: a later message of a key is excluded
 * while its predecessor exists at all, locked or not, and a row claimed meanwhile is re-checked by
 * PostgreSQL against visible_at after the lock, so it is not claimed twice.
 * $1 queue, $2 now, $3 limit, $4 token, $5 lease end, [$6 tenant].
 */
const claimSql = (byTenant: boolean) => `
  WITH next AS (
    SELECT m.seq FROM queue_messages m
     WHERE m.state = 0 AND m.queue = $1 AND m.visible_at <= $2
       ${byTenant ? 'AND m.tenant_id = $6' : ''}
       AND (m.order_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM queue_messages o
              WHERE o.state = 0 AND o.queue = m.queue AND o.tenant_id = m.tenant_id
                AND o.order_key = m.order_key AND o.seq < m.seq))
     ORDER BY m.visible_at, m.seq
     LIMIT $3
     FOR UPDATE SKIP LOCKED)
  UPDATE queue_messages q
     SET lease_token = $4, visible_at = $5, delivery_count = q.delivery_count + 1
    FROM next
   WHERE q.seq = next.seq AND q.visible_at <= $2
  RETURNING q.seq, q.tenant_id, q.queue, q.message_id, q.order_key, q.delivery_count, q.max_deliveries,
            q.enqueued_at, q.key_version, q.payload`;
const CLAIM_ALL = claimSql(false);
const CLAIM_TENANT = claimSql(true);

const COLUMNS = 9;
/** PostgreSQL takes at most 65,535 parameters per statement. */
const INSERT_CHUNK = 1000;
const insertSql = (rows: number) => {
  const values: string[] = [];
  for (let r = 0, p = 1; r < rows; r++, p += COLUMNS) {
    values.push(
      `($${p}, $${p + 1}, $${p + 2}, $${p + 3}, 0, $${p + 4}, 0, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`,
    );
  }
  // The NOTIFY is part of the same statement, so of the same transaction: PostgreSQL sends it at commit
  // (never for a rolled-back insert), once per queue, and idle deliverers LISTENing wake up.
  return `WITH ins AS (
    INSERT INTO queue_messages (tenant_id, queue, message_id, order_key, state, visible_at,
            delivery_count, max_deliveries, enqueued_at, key_version, payload) VALUES ${values.join(', ')}
    RETURNING queue)
  SELECT pg_notify('${QUEUE_CHANNEL}', q) FROM (SELECT DISTINCT queue AS q FROM ins) d`;
};

/** The channel enqueues NOTIFY on; the payload is the queue's name (never a tenant's data). */
export const QUEUE_CHANNEL = 'koppel_queue';

/** One statement for any number of leases: $1 tokens, $2 seqs, pairwise. */
const COMPLETE_SQL = `
  DELETE FROM queue_messages q USING unnest($1::text[], $2::bigint[]) AS l(token, seq)
   WHERE q.seq = l.seq AND q.state = 0 AND q.lease_token = l.token
  RETURNING q.seq`;
const RENEW_SQL = `
  UPDATE queue_messages q SET visible_at = $3 FROM unnest($1::text[], $2::bigint[]) AS l(token, seq)
   WHERE q.seq = l.seq AND q.state = 0 AND q.lease_token = l.token
  RETURNING q.seq`;

/**
 * The hot path as single statements in autocommit: each is atomic on its own, so no BEGIN/COMMIT round
 * trips (one round trip and one WAL flush per call instead of three). The SQL texts are fixed and run as
 * named prepared statements on the pool: no query building here, no parse and plan on the server.
 */
export function postgresBackend(store: Store): QueueBackend {
  const access = store.postgres;
  if (!access) throw new Error('the PostgreSQL queue needs a PostgreSQL store');
  const run = <R>(text: string, parameters: unknown[], name: string): Promise<R[]> =>
    access.query<R>(text, parameters, name);
  // Prepared per row count: only the first 64 distinct counts get a name (a server-side statement on
  // every pooled connection); others are parsed per call.
  const insertTexts = new Map<number, string>();
  const insertChunk = (rows: readonly NewMessageRow[], trx?: Kysely<Database>) => {
    let text = insertTexts.get(rows.length);
    if (text === undefined) {
      text = insertSql(rows.length);
      if (insertTexts.size < 64) insertTexts.set(rows.length, text);
    }
    const name = insertTexts.has(rows.length) ? `koppel_queue_insert_${rows.length}` : undefined;
    const parameters: unknown[] = [];
    for (const r of rows) {
      parameters.push(
        r.tenant_id,
        r.queue,
        r.message_id,
        r.order_key,
        r.visible_at,
        r.max_deliveries,
        r.enqueued_at,
        r.key_version,
        r.payload,
      );
    }
    return trx ? trx.executeQuery(CompiledQuery.raw(text, parameters)) : access.query(text, parameters, name);
  };

  return {
    claim: async (p: ClaimParams) => {
      const base = [p.queue, p.now, p.limit, p.token, p.leaseUntil];
      const rows = await run<ClaimedRow>(
        p.tenantId === undefined ? CLAIM_ALL : CLAIM_TENANT,
        p.tenantId === undefined ? base : [...base, p.tenantId],
        p.tenantId === undefined ? 'koppel_queue_claim_all' : 'koppel_queue_claim_tenant',
      );
      return rows.sort((a, b) => a.seq - b.seq);
    },

    insert: async (rows: readonly NewMessageRow[]) => {
      if (rows.length === 0) return;
      // One multi-row INSERT is atomic by itself; more rows than one statement takes need a transaction.
      if (rows.length <= INSERT_CHUNK) {
        await insertChunk(rows);
        return;
      }
      await store.writeTransaction(async (trx) => {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          await insertChunk(rows.slice(i, i + INSERT_CHUNK), trx);
        }
      });
    },

    complete: async (leases: readonly Lease[]) => {
      const rows = await run<{ seq: number }>(
        COMPLETE_SQL,
        [leases.map((l) => l.token), leases.map((l) => l.seq)],
        'koppel_queue_complete',
      );
      return rows.map((r) => Number(r.seq));
    },

    renew: async (leases: readonly Lease[], leaseUntil: number) => {
      const rows = await run<{ seq: number }>(
        RENEW_SQL,
        [leases.map((l) => l.token), leases.map((l) => l.seq), leaseUntil],
        'koppel_queue_renew',
      );
      return rows.map((r) => Number(r.seq));
    },
  };
}
