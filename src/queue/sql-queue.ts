import type { Insertable } from 'kysely';
import type { Clock, Random } from '../clock.js';
import type { QueueConfig } from '../config/config-schema.js';
import { IntegrityError } from '../keys/envelope.js';
import { KeyDestroyedError, type KeyRing } from '../keys/key-ring.js';
import { redactText } from '../log/redact.js';
import type { Store, WriteOptions } from '../store/open-store.js';
import type { QueueMessagesTable } from '../store/schema.js';
import { isTerminatedWrite, TenantTerminatedError } from '../store/terminated-guard.js';
import { backoffDelay } from './backoff.js';
import {
  type ClaimedRow,
  DURABLE,
  type NewMessageRow,
  type QueueBackend,
  RELAXED,
} from './claim-strategy.js';
import { DeadLetterStore, EXPIRED_DESCRIPTION } from './dead-letter-store.js';
import { isOrphanedLease, type LeaseOwner, leaseTokenPrefix, processAlive } from './lease-owner.js';
import { PayloadCodec, type SealedPayload } from './payload-codec.js';
import type {
  AbandonOptions,
  ClaimedMessage,
  ClaimOptions,
  EnqueueItem,
  EnqueueResult,
  Queue,
  SettleResult,
} from './queue.js';
import type { QueueSignals } from './queue-signals.js';
import type { WaitForWorkOptions, WaitOutcome } from './queue-wakeup.js';
import { type SecurityEvent, SecurityEventLog } from './security-event-log.js';

export interface SqlQueueDeps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  config: QueueConfig;
  /** The backend's hot-path statements. */
  backend: QueueBackend;
  /** How idle deliverers are woken by an enqueue (LISTEN/NOTIFY or in-process). */
  signals: QueueSignals;
  /** Told of every settlement, for the metrics (counts per tenant and queue). */
  observer?: QueueObserver;
  /** Called after a security event was stored, e.g. to open an incident. */
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** This process, named in every lease token it takes (see lease-owner.ts). */
  owner: LeaseOwner;
  /** Whether a pid runs on this machine; tests pass their own. */
  processAlive?: (pid: number) => boolean;
}

export interface QueueObserver {
  completed(messages: readonly ClaimedMessage[]): void;
  deadLettered(messages: readonly ClaimedMessage[], reason: string): void;
}

interface Prepared {
  item: EnqueueItem;
  messageId: string;
  sealed: SealedPayload;
}

const INSERT_CHUNK = 400;

const MAX_DESCRIPTION = 2000;
const DAY_MS = 86_400_000;

/** The queue on SQL, shared by the SQLite and PostgreSQL backends; only the claim statement differs. */
export class SqlQueue extends DeadLetterStore implements Queue {
  readonly #codec: PayloadCodec;
  readonly #events: SecurityEventLog;
  readonly #tokenPrefix: string;

  constructor(private readonly deps: SqlQueueDeps) {
    super(deps.store, deps.clock, deps.config);
    this.#codec = new PayloadCodec(deps.keys);
    this.#events = new SecurityEventLog(deps.store.db, deps.clock, deps.onSecurityEvent);
    this.#tokenPrefix = leaseTokenPrefix(deps.owner);
  }

  async releaseOrphanedLeases(): Promise<number> {
    const now = this.deps.clock.now();
    // One row per claim still in flight: a few hundred at most, so the owners are judged here, not in SQL.
    const held = await this.store.db
      .selectFrom('queue_messages')
      .select('lease_token')
      .distinct()
      .where('state', '=', 0)
      .where('lease_token', 'is not', null)
      .where('visible_at', '>', now)
      .execute();
    const alive = this.deps.processAlive ?? processAlive;
    const orphaned = held
      .map((r) => r.lease_token!)
      .filter((token) => isOrphanedLease(token, this.deps.owner, alive));
    if (orphaned.length === 0) return 0;
    const released = await this.store.db
      .updateTable('queue_messages')
      .set({ visible_at: now, lease_token: null })
      .where('state', '=', 0)
      .where('lease_token', 'in', orphaned)
      .executeTakeFirst();
    return Number(released.numUpdatedRows);
  }

  async readDeadLetterPayload(seq: number): Promise<{ payload: unknown } | undefined> {
    const row = await this.store.db
      .selectFrom('queue_messages')
      .select(['tenant_id', 'queue', 'message_id', 'key_version', 'payload'])
      .where('seq', '=', seq)
      .where('state', '=', 1)
      .executeTakeFirst();
    return row && { payload: await this.#codec.open(row) };
  }

  async workMark(queue: string): Promise<number> {
    await this.deps.signals.ready();
    return this.deps.signals.wakeup.mark(queue);
  }

  async waitForWork(options: WaitForWorkOptions): Promise<WaitOutcome> {
    await this.deps.signals.ready();
    return this.deps.signals.wakeup.wait(options);
  }

  async enqueue(items: readonly EnqueueItem[]): Promise<EnqueueResult[]> {
    try {
      const results = await this.#enqueue(items);
      const woken = items.filter((_, i) => results[i]?.status !== 'duplicate').map((item) => item.queue);
      if (woken.length > 0) this.deps.signals.afterCommit?.(woken);
      return results;
    } catch (error) {
      if (!isTerminatedWrite(error)) throw error;
      const tenants = [...new Set(items.map((i) => i.tenantId))].join(', ');
      throw new TenantTerminatedError(`enqueue for tenant ${tenants} (nothing was enqueued)`, {
        cause: error,
      });
    }
  }

  async #enqueue(items: readonly EnqueueItem[]): Promise<EnqueueResult[]> {
    items.forEach(validateItem);
    const prepared: Prepared[] = [];
    for (const item of items) {
      const messageId = item.messageId ?? this.deps.random.uuid();
      prepared.push({
        item,
        messageId,
        sealed: await this.#codec.seal(item.tenantId, item.queue, messageId, item.payload),
      });
    }
    const now = this.deps.clock.now();
    // Without duplicate detection or coalescing an enqueue is plain inserts: the backend's hot path.
    if (items.every((item) => item.messageId === undefined && !item.coalesce)) {
      await this.deps.backend.insert(prepared.map((p) => this.#newRow(p, now)));
      return prepared.map((p) => ({ messageId: p.messageId, status: 'enqueued' }));
    }
    return this.deps.store.writeTransaction(async (trx) => {
      const results: EnqueueResult[] = [];
      let rows: Insertable<QueueMessagesTable>[] = [];
      const flush = async () => {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('queue_messages')
            .values(rows.slice(i, i + INSERT_CHUNK))
            .execute();
        }
        rows = [];
      };
      for (const p of prepared) {
        const { item } = p;
        // Order matters within a batch (a coalesce must see earlier inserts of its key), so flush first.
        if (item.messageId !== undefined || (item.coalesce && item.key)) await flush();
        if (item.messageId !== undefined && (await this.#isDuplicate(trx, p, now))) {
          results.push({ messageId: p.messageId, status: 'duplicate' });
        } else if (item.coalesce && item.key && (await this.#coalesce(trx, p, now))) {
          results.push({ messageId: p.messageId, status: 'coalesced' });
        } else {
          rows.push(this.#row(p, now));
          results.push({ messageId: p.messageId, status: 'enqueued' });
        }
      }
      await flush();
      const woken = prepared.filter((_, i) => results[i]?.status !== 'duplicate').map((p) => p.item.queue);
      if (woken.length > 0) await this.deps.signals.inTransaction?.(trx, woken);
      return results;
    });
  }

  async claim<T = unknown>(options: ClaimOptions): Promise<ClaimedMessage<T>[]> {
    const now = this.deps.clock.now();
    const token = this.#tokenPrefix + this.deps.random.uuid();
    const leaseUntil = now + (options.leaseMs ?? this.deps.config.leaseSeconds * 1000);
    const params = {
      queue: options.queue,
      tenantId: options.tenantId,
      limit: options.limit ?? 1,
      now,
      token,
      leaseUntil,
    };
    const rows = await this.deps.backend.claim(params);
    const delivered: ClaimedMessage<T>[] = [];
    for (const row of rows) {
      const message = await this.#open<T>(row, token, leaseUntil);
      if (message) delivered.push(message);
    }
    return delivered;
  }

  /** Decrypts a claimed row, or dead-letters it when it must not be delivered. */
  async #open<T>(row: ClaimedRow, token: string, leaseUntil: number): Promise<ClaimedMessage<T> | undefined> {
    const message: ClaimedMessage<T> = {
      seq: row.seq,
      token,
      tenantId: row.tenant_id,
      queue: row.queue,
      messageId: row.message_id,
      key: row.order_key,
      deliveryCount: row.delivery_count,
      enqueuedAt: row.enqueued_at,
      leaseUntil,
      payload: undefined as T,
    };
    if (row.enqueued_at <= this.deps.clock.now() - this.deps.config.maxMessageAgeDays * DAY_MS) {
      await this.deadLetter([message], 'expired', EXPIRED_DESCRIPTION(this.deps.config.maxMessageAgeDays));
      return undefined;
    }
    // A lease that expired max times (crashed or stuck workers) counts like failed deliveries.
    if (row.delivery_count > row.max_deliveries) {
      await this.deadLetter(
        [message],
        'MaxDeliveryCountExceeded',
        `lease expired ${row.max_deliveries} times`,
      );
      return undefined;
    }
    try {
      message.payload = (await this.#codec.open(row)) as T;
      return message;
    } catch (error) {
      if (error instanceof KeyDestroyedError) {
        await this.deadLetter([message], 'key-destroyed', 'the tenant data key was destroyed (offboarding)');
        return undefined;
      }
      if (!(error instanceof IntegrityError)) throw error;
      await this.deadLetter(
        [message],
        'integrity',
        'the payload failed authentication and was not delivered',
      );
      await this.#events.record({
        kind: 'queue.integrity',
        tenantId: row.tenant_id,
        subject: `${row.queue}/${row.message_id}`,
        detail: { seq: row.seq, queue: row.queue },
      });
      return undefined;
    }
  }

  renew(messages: readonly ClaimedMessage[], leaseMs?: number): Promise<SettleResult[]> {
    const leaseUntil = this.deps.clock.now() + (leaseMs ?? this.deps.config.leaseSeconds * 1000);
    return this.#settleLeases(messages, (leases) => this.deps.backend.renew(leases, leaseUntil));
  }

  async complete(messages: readonly ClaimedMessage[]): Promise<SettleResult[]> {
    const results = await this.#settleLeases(messages, (leases) => this.deps.backend.complete(leases));
    this.deps.observer?.completed(messages.filter((_, i) => results[i]?.status === 'ok'));
    return results;
  }

  async abandon(messages: readonly ClaimedMessage[], options: AbandonOptions = {}): Promise<SettleResult[]> {
    const limit = this.deps.config.maxDeliveries;
    // A delivery the message is not to blame for (the remote asked us to wait) is not counted.
    const uncounted = options.countDelivery === false;
    const exhausted = uncounted ? [] : messages.filter((m) => m.deliveryCount >= limit);
    const retried = uncounted ? messages : messages.filter((m) => m.deliveryCount < limit);
    const description = options.error ?? 'abandoned';
    const dead = await this.deadLetter(exhausted, 'MaxDeliveryCountExceeded', description);
    const now = this.deps.clock.now();
    const results = await this.deps.store.writeTransaction(async (trx) => {
      const out: SettleResult[] = [];
      for (const m of retried) {
        const visibleAt =
          options.notBefore === undefined
            ? now + backoffDelay(m.deliveryCount, this.#backoff, this.deps.random)
            : // A remote's Retry-After is honoured up to the cap: no message waits without limit.
              Math.min(options.notBefore, now + this.deps.config.retryAfterMaxSeconds * 1000);
        const row = await trx
          .updateTable('queue_messages')
          .set((eb) => ({
            lease_token: null,
            visible_at: Math.max(visibleAt, now),
            last_error: clip(options.error),
            delivery_count: uncounted ? eb('delivery_count', '-', 1) : eb.ref('delivery_count'),
          }))
          .where('state', '=', 0)
          .where('lease_token', '=', m.token)
          .where('seq', '=', m.seq)
          .returning('seq')
          .executeTakeFirst();
        out.push({ seq: m.seq, messageId: m.messageId, status: row ? 'ok' : 'lease-lost' });
      }
      return out;
    }, RELAXED);
    return [...dead, ...results];
  }

  async deadLetter(
    messages: readonly ClaimedMessage[],
    reason: string,
    description?: string,
  ): Promise<SettleResult[]> {
    const now = this.deps.clock.now();
    const results = await this.#settle(DURABLE, messages, (trx, token, seqs) =>
      trx
        .updateTable('queue_messages')
        .set({
          state: 1,
          lease_token: null,
          dead_reason: reason,
          dead_description: clip(description),
          dead_at: now,
        })
        .where('state', '=', 0)
        .where('lease_token', '=', token)
        .where('seq', 'in', seqs)
        .returning('seq')
        .execute(),
    );
    this.deps.observer?.deadLettered(
      messages.filter((_, i) => results[i]?.status === 'ok'),
      reason,
    );
    return results.map((r) => (r.status === 'ok' ? { ...r, status: 'dead-lettered' } : r));
  }

  get #backoff() {
    return { baseMs: this.deps.config.backoffBaseMs, maxMs: this.deps.config.backoffMaxMs };
  }

  /** Runs a backend settlement (one atomic unit) and reports, per message, whether its lease held. */
  async #settleLeases(
    messages: readonly ClaimedMessage[],
    op: (leases: { token: string; seq: number }[]) => Promise<number[]>,
  ): Promise<SettleResult[]> {
    if (messages.length === 0) return [];
    const settled = new Set(await op(messages.map((m) => ({ token: m.token, seq: m.seq }))));
    return messages.map((m) => ({
      seq: m.seq,
      messageId: m.messageId,
      status: settled.has(m.seq) ? 'ok' : 'lease-lost',
    }));
  }

  /** Applies `op` per lease token in one transaction and reports, per message, whether its lease held. */
  async #settle(
    options: WriteOptions,
    messages: readonly ClaimedMessage[],
    op: (trx: Store['db'], token: string, seqs: number[]) => Promise<{ seq: number }[]>,
  ): Promise<SettleResult[]> {
    if (messages.length === 0) return [];
    const byToken = new Map<string, number[]>();
    for (const m of messages) byToken.set(m.token, [...(byToken.get(m.token) ?? []), m.seq]);
    const settled = await this.deps.store.writeTransaction(async (trx) => {
      const done = new Set<number>();
      for (const [token, seqs] of byToken) {
        for (const row of await op(trx, token, seqs)) done.add(Number(row.seq));
      }
      return done;
    }, options);
    return messages.map((m) => ({
      seq: m.seq,
      messageId: m.messageId,
      status: settled.has(m.seq) ? 'ok' : 'lease-lost',
    }));
  }

  /** Records the message id in the duplicate-detection window; true if it was already there. */
  async #isDuplicate(trx: Store['db'], p: Prepared, now: number): Promise<boolean> {
    const expiresAt = now + this.deps.config.duplicateWindowSeconds * 1000;
    const row = await trx
      .insertInto('queue_dedup')
      .values({
        tenant_id: p.item.tenantId,
        queue: p.item.queue,
        message_id: p.messageId,
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'queue', 'message_id'])
          .doUpdateSet({ expires_at: expiresAt })
          .where('queue_dedup.expires_at', '<=', now),
      )
      .returning('message_id')
      .executeTakeFirst();
    return row === undefined;
  }

  /** Replaces the newest pending message of the key (never one in flight); false if there is none. */
  async #coalesce(trx: Store['db'], p: Prepared, now: number): Promise<boolean> {
    const target = await trx
      .selectFrom('queue_messages')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('state', '=', 0)
      .where('queue', '=', p.item.queue)
      .where('tenant_id', '=', p.item.tenantId)
      .where('order_key', '=', p.item.key!)
      .where((eb) => eb.or([eb('lease_token', 'is', null), eb('visible_at', '<=', now)]))
      .executeTakeFirst();
    if (target?.seq == null) return false;
    const updated = await trx
      .updateTable('queue_messages')
      .set({
        message_id: p.messageId,
        payload: p.sealed.payload,
        key_version: p.sealed.keyVersion,
        enqueued_at: now,
        lease_token: null,
        delivery_count: 0,
        last_error: null,
      })
      .where('seq', '=', Number(target.seq))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  #newRow(p: Prepared, now: number): NewMessageRow {
    return {
      tenant_id: p.item.tenantId,
      queue: p.item.queue,
      message_id: p.messageId,
      order_key: p.item.key ?? null,
      visible_at: Math.max(p.item.notBefore ?? now, now),
      max_deliveries: this.deps.config.maxDeliveries,
      enqueued_at: now,
      key_version: p.sealed.keyVersion,
      payload: p.sealed.payload,
    };
  }

  #row(p: Prepared, now: number): Insertable<QueueMessagesTable> {
    return {
      tenant_id: p.item.tenantId,
      queue: p.item.queue,
      message_id: p.messageId,
      order_key: p.item.key ?? null,
      state: 0,
      visible_at: Math.max(p.item.notBefore ?? now, now),
      lease_token: null,
      max_deliveries: this.deps.config.maxDeliveries,
      enqueued_at: now,
      key_version: p.sealed.keyVersion,
      payload: p.sealed.payload,
      last_error: null,
      dead_reason: null,
      dead_description: null,
      dead_at: null,
    };
  }
}

/** Checked before anything is written, so one bad item rejects the whole batch with a clear message. */
function validateItem(item: EnqueueItem, index: number): void {
  const fail = (field: string, rule: string) => {
    throw new TypeError(`enqueue item ${index}: ${field} ${rule}`);
  };
  if (typeof item.tenantId !== 'string' || item.tenantId === '')
    fail('tenantId', 'must be a non-empty string');
  if (typeof item.queue !== 'string' || item.queue === '') fail('queue', 'must be a non-empty string');
  if (item.messageId !== undefined && (item.messageId === '' || item.messageId.length > 128)) {
    fail('messageId', 'must be 1 to 128 characters');
  }
  if (item.key !== undefined && (item.key === '' || item.key.length > 256))
    fail('key', 'must be 1 to 256 characters');
  if (item.notBefore !== undefined && !Number.isFinite(item.notBefore)) {
    fail('notBefore', 'must be a finite time in milliseconds since the epoch');
  }
  if (item.coalesce && item.key === undefined) fail('coalesce', 'needs a key');
}

/**
 * What is stored of an error: its wording, without the values a remote service quoted back (an
 * e-mail address, a name), and clipped.
 */
function clip(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = redactText(raw);
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}
