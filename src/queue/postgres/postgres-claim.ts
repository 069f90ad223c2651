import { sql } from 'kysely';
import type { ClaimedRow, ClaimStrategy } from '../claim-strategy.js';

/**
 * Head-of-key claim for many concurrent workers: FOR UPDATE SKIP LOCKED lets each worker take rows no
 * other worker is claiming right now. Per-key order still holds: a later message of a key is excluded
 * while its predecessor exists at all, locked or not, and a row claimed meanwhile is re-checked by
 * PostgreSQL against visible_at after the lock, so it is not claimed twice.
 */
export const postgresClaim: ClaimStrategy = async (trx, p) => {
  const { rows } = await sql<ClaimedRow>`
    WITH next AS (
      SELECT m.seq FROM queue_messages m
       WHERE m.state = 0 AND m.queue = ${p.queue} AND m.visible_at <= ${p.now}
         ${p.tenantId === undefined ? sql`` : sql`AND m.tenant_id = ${p.tenantId}`}
         AND (m.order_key IS NULL OR NOT EXISTS (
               SELECT 1 FROM queue_messages o
                WHERE o.state = 0 AND o.queue = m.queue AND o.tenant_id = m.tenant_id
                  AND o.order_key = m.order_key AND o.seq < m.seq))
       ORDER BY m.visible_at, m.seq
       LIMIT ${p.limit}
       FOR UPDATE SKIP LOCKED)
    UPDATE queue_messages q
       SET lease_token = ${p.token}, visible_at = ${p.leaseUntil}, delivery_count = q.delivery_count + 1
      FROM next
     WHERE q.seq = next.seq AND q.visible_at <= ${p.now}
    RETURNING q.seq, q.tenant_id, q.queue, q.message_id, q.order_key, q.delivery_count, q.max_deliveries,
              q.enqueued_at, q.key_version, q.payload`.execute(trx);
  return rows.sort((a, b) => a.seq - b.seq);
};
