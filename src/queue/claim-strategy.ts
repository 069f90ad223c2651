import type { WriteOptions } from '../store/open-store.js';
import type { QueueMessagesTable } from '../store/schema.js';

/**
 * Claims, renewals, completions and abandons commit without an fsync on SQLite (synchronous=NORMAL for
 * that commit, WAL mode). A power loss can then roll back the most recent of them, never corrupt the
 * file, and WAL recovery keeps a prefix of the commits: a lost claim or abandon means the message is
 * claimable again, a lost complete means it is delivered again, a lost renew ends the lease earlier -
 * all within at-least-once delivery, and the workers holding those leases lost power too. A process
 * crash loses none of them. Enqueues, dead-lettering and replays stay durable (synchronous=FULL): an
 * acknowledged enqueue survives power loss, and its fsync also makes every earlier commit durable.
 * See docs/queue.md. PostgreSQL ignores the option (synchronous_commit stays as configured).
 */
export const RELAXED: WriteOptions = { durable: false };
export const DURABLE: WriteOptions = { durable: true };

export interface ClaimParams {
  queue: string;
  tenantId: string | undefined;
  limit: number;
  now: number;
  token: string;
  leaseUntil: number;
}

export type ClaimedRow = Pick<
  QueueMessagesTable,
  | 'tenant_id'
  | 'queue'
  | 'message_id'
  | 'order_key'
  | 'max_deliveries'
  | 'enqueued_at'
  | 'key_version'
  | 'payload'
> & { seq: number; delivery_count: number };

/** A new live message: state 0, no lease, no error. */
export type NewMessageRow = Pick<
  QueueMessagesTable,
  | 'tenant_id'
  | 'queue'
  | 'message_id'
  | 'order_key'
  | 'visible_at'
  | 'max_deliveries'
  | 'enqueued_at'
  | 'key_version'
  | 'payload'
>;

/** One claimed message as its lease holder knows it. */
export interface Lease {
  token: string;
  seq: number;
}

/**
 * The hot path, per backend: the statements every message goes through, each call one atomic unit of
 * its own (a transaction or a single self-atomic statement). Everything else (duplicate detection,
 * coalescing, abandon, dead letters) runs in the shared engine on Kysely.
 */
export interface QueueBackend {
  /**
   * Takes up to `limit` claimable messages, at most the head of each key, and leases them to `token`.
   * Rows in seq order. May commit without an fsync (see sql-queue.ts, RELAXED).
   */
  claim(params: ClaimParams): Promise<ClaimedRow[]>;
  /** Stores all rows or none, durably (an acknowledged enqueue survives power loss). */
  insert(rows: readonly NewMessageRow[]): Promise<void>;
  /** Deletes the live messages still leased to their token, all in one atomic unit; returns their seqs. */
  complete(leases: readonly Lease[]): Promise<number[]>;
  /** Moves the lease end of the live messages still leased to their token; returns their seqs. */
  renew(leases: readonly Lease[], leaseUntil: number): Promise<number[]>;
}
