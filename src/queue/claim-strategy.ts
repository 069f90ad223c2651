import type { Kysely } from 'kysely';
import type { Database, QueueMessagesTable } from '../store/schema.js';

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

/**
 * The one statement that differs per backend: take up to `limit` claimable messages, at most the head
 * of each key, and lease them to `token`. Runs inside a write transaction.
 */
export type ClaimStrategy = (trx: Kysely<Database>, params: ClaimParams) => Promise<ClaimedRow[]>;
