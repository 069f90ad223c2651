/**
 * The durable queue, modelled on Azure Service Bus peek-lock: claim with a lease, then complete,
 * abandon (with backoff) or dead-letter. Delivery is at-least-once; every consumer must be idempotent.
 * Payloads are encrypted with the tenant's data key, bound to tenant, queue and message id.
 */
export interface EnqueueItem {
  tenantId: string;
  /** The target, e.g. 'mailplus' or 'dataverse'. */
  queue: string;
  /** Any JSON value. */
  payload: unknown;
  /**
   * Set it to enable duplicate detection: a second enqueue of the same id within the duplicate window
   * is accepted and dropped. Without it a random id is assigned and no detection happens.
   */
  messageId?: string;
  /** Messages with the same key are delivered one at a time, in enqueue order. */
  key?: string;
  /** Not delivered before this time (ms epoch). */
  notBefore?: number;
  /** With a key: replace the newest pending (not in-flight) message of the key instead of adding one. */
  coalesce?: boolean;
}

export type EnqueueStatus = 'enqueued' | 'duplicate' | 'coalesced';

export interface EnqueueResult {
  messageId: string;
  status: EnqueueStatus;
}

export interface ClaimOptions {
  queue: string;
  tenantId?: string;
  /** Most messages to claim at once; default 1. */
  limit?: number;
  /** Lease length; default from configuration (60 s). */
  leaseMs?: number;
}

export interface ClaimedMessage<T = unknown> {
  seq: number;
  /** The lease's fencing token: settling with a token that another claim replaced fails. */
  token: string;
  tenantId: string;
  queue: string;
  messageId: string;
  key: string | null;
  /** 1 on the first delivery. */
  deliveryCount: number;
  enqueuedAt: number;
  leaseUntil: number;
  payload: T;
}

export type SettleStatus = 'ok' | 'lease-lost' | 'dead-lettered';

export interface SettleResult {
  seq: number;
  messageId: string;
  status: SettleStatus;
}

export interface AbandonOptions {
  /** Not before this time (a remote Retry-After); default exponential backoff with jitter. */
  notBefore?: number;
  /** Why it failed; kept with the message and copied to the dead letter. Never personal data. */
  error?: string;
  /** false when the failure was not the message's fault (a 429): the delivery is then not counted. */
  countDelivery?: boolean;
}

export const DEAD_LETTER_REASONS = ['MaxDeliveryCountExceeded', 'integrity', 'permanent', 'expired'] as const;

export interface DeadLetter {
  seq: number;
  tenantId: string;
  queue: string;
  messageId: string;
  key: string | null;
  reason: string;
  description: string | null;
  deliveryCount: number;
  enqueuedAt: number;
  deadLetteredAt: number;
  /** Ciphertext size; the payload itself is never listed. */
  payloadBytes: number;
}

export interface DeadLetterFilter {
  tenantId?: string;
  queue?: string;
  limit?: number;
}

export interface QueueStats {
  tenantId: string;
  queue: string;
  ready: number;
  scheduled: number;
  inFlight: number;
  dead: number;
  /** ms epoch of the oldest live message, or null. */
  oldestEnqueuedAt: number | null;
}

export interface PurgeResult {
  deadLetters: number;
  dedupEntries: number;
  /** Live messages past queue.maxMessageAgeDays, dead-lettered as `expired`. */
  expired: number;
}

export type { WaitForWorkOptions, WaitOutcome } from './queue-wakeup.js';

import type { WaitForWorkOptions, WaitOutcome } from './queue-wakeup.js';

export interface Queue {
  /** Atomic: all items are stored, or none. Results are in item order. */
  enqueue(items: readonly EnqueueItem[]): Promise<EnqueueResult[]>;
  claim<T = unknown>(options: ClaimOptions): Promise<ClaimedMessage<T>[]>;
  renew(messages: readonly ClaimedMessage[], leaseMs?: number): Promise<SettleResult[]>;
  /** Deletes the messages and their payloads in one transaction. */
  complete(messages: readonly ClaimedMessage[]): Promise<SettleResult[]>;
  /** Back to the queue after a backoff; dead-lettered once the delivery count reaches the maximum. */
  abandon(messages: readonly ClaimedMessage[], options?: AbandonOptions): Promise<SettleResult[]>;
  deadLetter(
    messages: readonly ClaimedMessage[],
    reason: string,
    description?: string,
  ): Promise<SettleResult[]>;
  listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  getDeadLetter(seq: number): Promise<DeadLetter | undefined>;
  /**
   * The decrypted payload of one dead letter, for an administrator diagnosing it (the admin API audits
   * each view). Undefined when there is no such dead letter; KeyDestroyedError after offboarding.
   */
  readDeadLetterPayload(seq: number): Promise<{ payload: unknown } | undefined>;
  /** Puts dead letters back at the end of their queue with a fresh delivery count. Returns how many. */
  replayDeadLetters(seqs: readonly number[]): Promise<number>;
  purgeDeadLetters(seqs: readonly number[] | 'all'): Promise<number>;
  /** Retention: dead letters past the retention period and expired duplicate-detection entries. */
  purgeExpired(): Promise<PurgeResult>;
  stats(): Promise<QueueStats[]>;
  /**
   * Takes back at once the claims of a process of this machine that is gone (killed, crashed), so a
   * restarted koppel delivers them without waiting out their lease. Claims of live processes and of
   * other machines are left alone. Returns how many messages came free. Run it at start.
   */
  releaseOrphanedLeases(): Promise<number>;
  /**
   * A mark for `waitForWork`: take it before a claim, and if the claim comes back empty, wait with it;
   * an enqueue in between then ends the wait at once. Also starts listening (PostgreSQL LISTEN).
   */
  workMark(queue: string): Promise<number>;
  /**
   * For an idle deliverer: resolves 'notified' as soon as something is enqueued to `queue` (by any
   * process on PostgreSQL, by this one on SQLite), or 'timeout' after `timeoutMs` on the clock.
   * Rejects when `signal` aborts. A notification says "look", not "there is a message for you".
   */
  waitForWork(options: WaitForWorkOptions): Promise<WaitOutcome>;
}
