import type SQLite from 'better-sqlite3';
import type { SqliteAccess } from '../../store/open-store.js';
import {
  type ClaimedRow,
  type ClaimParams,
  type Lease,
  type NewMessageRow,
  type QueueBackend,
  RELAXED,
} from '../claim-strategy.js';

/**
 * Head-of-key claim. The subquery walks the partial (queue, visible_at, seq) index in order; a keyed
 * message qualifies only if no older live message of its key exists, so a key has at most one message
 * in flight and a blocked key never holds back the others. SQLite writers are serialised, so no row
 * locking is needed.
 */
const claimSql = (byTenant: boolean) => `
  UPDATE queue_messages
     SET lease_token = @token, visible_at = @leaseUntil, delivery_count = delivery_count + 1
   WHERE seq IN (
     SELECT m.seq FROM queue_messages m
      WHERE m.state = 0 AND m.queue = @queue AND m.visible_at <= @now
        ${byTenant ? 'AND m.tenant_id = @tenantId' : ''}
        AND (m.order_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM queue_messages o
               WHERE o.state = 0 AND o.queue = m.queue AND o.tenant_id = m.tenant_id
                 AND o.order_key = m.order_key AND o.seq < m.seq))
      ORDER BY m.visible_at, m.seq
      LIMIT @limit)
  RETURNING seq, tenant_id, queue, message_id, order_key, delivery_count, max_deliveries, enqueued_at,
            key_version, payload`;

const INSERT_SQL = `
  INSERT INTO queue_messages (tenant_id, queue, message_id, order_key, state, visible_at, lease_token,
                              delivery_count, max_deliveries, enqueued_at, key_version, payload)
  VALUES (?, ?, ?, ?, 0, ?, NULL, 0, ?, ?, ?, ?)`;

const COMPLETE_SQL = 'DELETE FROM queue_messages WHERE seq = ? AND state = 0 AND lease_token = ?';
const RENEW_SQL = 'UPDATE queue_messages SET visible_at = ? WHERE seq = ? AND state = 0 AND lease_token = ?';

interface Statements {
  claimAll: SQLite.Statement;
  claimTenant: SQLite.Statement;
  insert: SQLite.Statement;
  complete: SQLite.Statement;
  renew: SQLite.Statement;
}

/**
 * The hot path on the raw better-sqlite3 connection with statements prepared once per connection
 * (Kysely's SQLite driver builds and prepares every statement again per call). Each call is one
 * BEGIN IMMEDIATE transaction with no await inside.
 */
export function sqliteBackend(access: SqliteAccess): QueueBackend {
  let statements: Statements | undefined;
  // Prepared on first use: the tables exist only after the migrations ran.
  const prepare = (database: SQLite.Database): Statements => {
    statements ??= {
      claimAll: database.prepare(claimSql(false)),
      claimTenant: database.prepare(claimSql(true)),
      insert: database.prepare(INSERT_SQL),
      complete: database.prepare(COMPLETE_SQL),
      renew: database.prepare(RENEW_SQL),
    };
    return statements;
  };

  return {
    claim: (p: ClaimParams) =>
      access.write((database) => {
        const s = prepare(database);
        const rows = (p.tenantId === undefined ? s.claimAll : s.claimTenant).all({
          queue: p.queue,
          tenantId: p.tenantId,
          now: p.now,
          limit: p.limit,
          token: p.token,
          leaseUntil: p.leaseUntil,
        }) as ClaimedRow[];
        return rows.sort((a, b) => a.seq - b.seq);
      }, RELAXED),

    insert: (rows: readonly NewMessageRow[]) =>
      access.write((database) => {
        const { insert } = prepare(database);
        for (const r of rows) {
          insert.run(
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
      }),

    complete: (leases: readonly Lease[]) =>
      access.write((database) => {
        const { complete } = prepare(database);
        return leases.filter((l) => complete.run(l.seq, l.token).changes === 1).map((l) => l.seq);
      }, RELAXED),

    renew: (leases: readonly Lease[], leaseUntil: number) =>
      access.write((database) => {
        const { renew } = prepare(database);
        return leases.filter((l) => renew.run(leaseUntil, l.seq, l.token).changes === 1).map((l) => l.seq);
      }, RELAXED),
  };
}
