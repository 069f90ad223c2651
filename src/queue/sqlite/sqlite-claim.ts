import { sql } from 'kysely';
import type { ClaimedRow, ClaimStrategy } from '../claim-strategy.js';

/**
 * Head-of-key claim. The subquery walks the partial (queue, visible_at, seq) index in order; a keyed
 * message qualifies only if no older live message of its key exists, so a key has at most one message
 * in flight and a blocked key never holds back the others. SQLite writers are serialised, so no row
 * locking is needed.
 */
export const sqliteClaim: ClaimStrategy = async (trx, p) => {
  const { rows } = await sql<ClaimedRow>`
    UPDATE queue_messages
       SET lease_token = ${p.token}, visible_at = ${p.leaseUntil}, delivery_count = delivery_count + 1
     WHERE seq IN (
       SELECT m.seq FROM queue_messages m
        WHERE m.state = 0 AND m.queue = ${p.queue} AND m.visible_at <= ${p.now}
          ${p.tenantId === undefined ? sql`` : sql`AND m.tenant_id = ${p.tenantId}`}
          AND (m.order_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM queue_messages o
                 WHERE o.state = 0 AND o.queue = m.queue AND o.tenant_id = m.tenant_id
                   AND o.order_key = m.order_key AND o.seq < m.seq))
        ORDER BY m.visible_at, m.seq
        LIMIT ${p.limit})
    RETURNING seq, tenant_id, queue, message_id, order_key, delivery_count, max_deliveries, enqueued_at,
              key_version, payload`.execute(trx);
  return rows.sort((a, b) => a.seq - b.seq);
};
