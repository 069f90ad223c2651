import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { QueueConfig } from '../config/config-schema.js';
import type { Store } from '../store/open-store.js';
import type { DeadLetter, DeadLetterFilter, PurgeResult, QueueStats } from './queue.js';

const DAY_MS = 86_400_000;

/** Why an expired message was dead-lettered; no personal data. */
export const EXPIRED_DESCRIPTION = (days: number) =>
  `not delivered within queue.maxMessageAgeDays (${days} days) of being enqueued`;

/** Dead-letter administration, retention and statistics: everything that never touches a payload's content. */
export class DeadLetterStore {
  constructor(
    protected readonly store: Store,
    protected readonly clock: Clock,
    protected readonly queueConfig: QueueConfig,
  ) {}

  async listDeadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    let query = this.#deadLetters();
    if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId);
    if (filter.queue) query = query.where('queue', '=', filter.queue);
    const rows = await query
      .orderBy('seq')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toDeadLetter);
  }

  async getDeadLetter(seq: number): Promise<DeadLetter | undefined> {
    const row = await this.#deadLetters().where('seq', '=', seq).executeTakeFirst();
    return row && toDeadLetter(row);
  }

  /** Re-inserted, so a replayed message goes to the back of its key's line instead of jumping ahead. */
  async replayDeadLetters(seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    const now = this.clock.now();
    return this.store.writeTransaction(async (trx) => {
      const inserted = await trx
        .insertInto('queue_messages')
        .columns([
          'tenant_id',
          'queue',
          'message_id',
          'order_key',
          'state',
          'visible_at',
          'max_deliveries',
          'enqueued_at',
          'key_version',
          'payload',
        ])
        .expression((eb) =>
          eb
            .selectFrom('queue_messages')
            .select([
              'tenant_id',
              'queue',
              'message_id',
              'order_key',
              sql.lit(0).as('state'),
              sql.val(now).as('visible_at'),
              'max_deliveries',
              // A replay is a new attempt: its age (for queue.maxMessageAgeDays) counts from now.
              sql.val(now).as('enqueued_at'),
              'key_version',
              'payload',
            ])
            .where('state', '=', 1)
            .where('seq', 'in', [...seqs])
            .orderBy('seq'),
        )
        .executeTakeFirst();
      await trx
        .deleteFrom('queue_messages')
        .where('state', '=', 1)
        .where('seq', 'in', [...seqs])
        .execute();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0);
    });
  }

  async purgeDeadLetters(seqs: readonly number[] | 'all'): Promise<number> {
    let query = this.store.db.deleteFrom('queue_messages').where('state', '=', 1);
    if (seqs !== 'all') {
      if (seqs.length === 0) return 0;
      query = query.where('seq', 'in', [...seqs]);
    }
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }

  async purgeExpired(): Promise<PurgeResult> {
    const now = this.clock.now();
    const cutoff = now - this.queueConfig.deadLetterRetentionDays * DAY_MS;
    const dead = await this.store.db
      .deleteFrom('queue_messages')
      .where('state', '=', 1)
      .where('dead_at', '<=', cutoff)
      .executeTakeFirst();
    const dedup = await this.store.db
      .deleteFrom('queue_dedup')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return {
      deadLetters: Number(dead.numDeletedRows),
      dedupEntries: Number(dedup.numDeletedRows),
      expired: await this.#expireOld(now),
    };
  }

  /**
   * Live messages past the maximum age become dead letters (reason `expired`), whatever their state:
   * waiting for a backoff, a Retry-After, their key's head, or leased to a stuck worker (whose settle
   * then finds its lease lost). They are then deleted with the dead letters.
   */
  async #expireOld(now: number): Promise<number> {
    const days = this.queueConfig.maxMessageAgeDays;
    const result = await this.store.db
      .updateTable('queue_messages')
      .set({
        state: 1,
        lease_token: null,
        dead_reason: 'expired',
        dead_description: EXPIRED_DESCRIPTION(days),
        dead_at: now,
      })
      .where('state', '=', 0)
      .where('enqueued_at', '<=', now - days * DAY_MS)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async stats(): Promise<QueueStats[]> {
    const now = this.clock.now();
    const rows = await this.store.db
      .selectFrom('queue_messages')
      .select((eb) => [
        'tenant_id',
        'queue',
        eb.fn.sum<number>(sql`CASE WHEN state = 0 AND visible_at <= ${now} THEN 1 ELSE 0 END`).as('ready'),
        eb.fn
          .sum<number>(
            sql`CASE WHEN state = 0 AND visible_at > ${now} AND lease_token IS NULL THEN 1 ELSE 0 END`,
          )
          .as('scheduled'),
        eb.fn
          .sum<number>(
            sql`CASE WHEN state = 0 AND visible_at > ${now} AND lease_token IS NOT NULL THEN 1 ELSE 0 END`,
          )
          .as('in_flight'),
        eb.fn.sum<number>(sql`CASE WHEN state = 1 THEN 1 ELSE 0 END`).as('dead'),
        eb.fn.min<number>(sql`CASE WHEN state = 0 THEN enqueued_at END`).as('oldest'),
      ])
      .groupBy(['tenant_id', 'queue'])
      .orderBy('tenant_id')
      .orderBy('queue')
      .execute();
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      queue: r.queue,
      ready: Number(r.ready),
      scheduled: Number(r.scheduled),
      inFlight: Number(r.in_flight),
      dead: Number(r.dead),
      oldestEnqueuedAt: r.oldest == null ? null : Number(r.oldest),
    }));
  }

  #deadLetters() {
    return this.store.db
      .selectFrom('queue_messages')
      .select((eb) => [
        'seq',
        'tenant_id',
        'queue',
        'message_id',
        'order_key',
        'dead_reason',
        'dead_description',
        'delivery_count',
        'enqueued_at',
        'dead_at',
        eb.fn<number>('length', ['payload']).as('payload_bytes'),
      ])
      .where('state', '=', 1);
  }
}

function toDeadLetter(row: {
  seq: number;
  tenant_id: string;
  queue: string;
  message_id: string;
  order_key: string | null;
  dead_reason: string | null;
  dead_description: string | null;
  delivery_count: number;
  enqueued_at: number;
  dead_at: number | null;
  payload_bytes: number;
}): DeadLetter {
  return {
    seq: Number(row.seq),
    tenantId: row.tenant_id,
    queue: row.queue,
    messageId: row.message_id,
    key: row.order_key,
    reason: row.dead_reason ?? 'unknown',
    description: row.dead_description,
    deliveryCount: row.delivery_count,
    enqueuedAt: row.enqueued_at,
    deadLetteredAt: row.dead_at ?? 0,
    payloadBytes: Number(row.payload_bytes),
  };
}
