import type { Selectable } from 'kysely';
import type { Clock, Random } from '../clock.js';
import type { MailOutbox, OutgoingMail } from '../incidents/incident-model.js';
import { open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';
import { NOTIFICATIONS_KEY_ID } from '../keys/system-keys.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/open-store.js';
import type { MailOutboxTable } from '../store/schema.js';
import { deliveryError, type Mailer, type MailMessage } from './smtp-mailer.js';

/**
 * The key ring entry that seals queued mails (recipient, subject, body). Not a tenant's key: an
 * incident's mails must survive the offboarding of the customer they concern.
 */
export { NOTIFICATIONS_KEY_ID };

/** Attempts before a mail is marked failed (it stays listed, and is never dropped). */
export const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 60 * 60_000;
/** How long one process holds a mail it is sending, so a second process does not send it too. */
const CLAIM_MS = 5 * 60_000;
const BATCH = 50;

const mailContext = (id: string) => `koppel/outbox/${id}`;

export type OutboxState = MailOutboxTable['state'];
type Row = Selectable<MailOutboxTable>;

/** A mail as listed: kind, ids, times and attempts; never its recipient or text. */
export interface OutboxEntry {
  id: string;
  kind: string;
  incidentId: string | null;
  tenantId: string | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface DeliveryOutcome {
  id: string;
  kind: string;
  incidentId: string | null;
  tenantId: string | null;
  outcome: 'sent' | 'retrying' | 'failed';
  detail: string;
}

export interface DeliverResult {
  /** False when no SMTP server is configured: nothing was sent, every mail stays pending. */
  configured: boolean;
  outcomes: DeliveryOutcome[];
}

export interface OutboxDeps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  /** The SMTP mailer, made on first delivery; null when notifications.smtp.url is not set. */
  mailer: () => Mailer | null;
  log: () => Logger;
}

/** Wait before attempt n+1 after n failures: 1, 2, 4, ... minutes, at most an hour. */
export const retryDelay = (failures: number) =>
  Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));

/**
 * The durable outbox every e-mail goes through. `enqueue` stores the mail sealed; `deliverDue` (run
 * by `koppel run`) sends what is due, records each attempt with its outcome, retries failures with
 * backoff and, after MAX_ATTEMPTS, marks the mail failed, keeps it listed and logs an error for the
 * operators. A delivered mail's recipient and text are erased; its kind, ids, times and attempts stay.
 */
export class Outbox implements MailOutbox {
  constructor(private readonly deps: OutboxDeps) {}

  async enqueue(mail: OutgoingMail): Promise<{ id: string }> {
    const { store, keys, clock, random } = this.deps;
    const id = random.uuid();
    const key = await keys.current(NOTIFICATIONS_KEY_ID);
    const message: MailMessage = { to: mail.to, subject: mail.subject, text: mail.text, html: mail.html };
    const now = clock.now();
    await store.db
      .insertInto('mail_outbox')
      .values({
        id,
        kind: mail.kind,
        incident_id: mail.incidentId ?? null,
        tenant: mail.tenantId ?? null,
        sealed: seal(key.key, Buffer.from(JSON.stringify(message)), mailContext(id)),
        key_version: key.version,
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        created_at: now,
        delivered_at: null,
        updated_at: now,
      })
      .execute();
    return { id };
  }

  /** Sends every pending mail that is due; one outcome per mail tried. */
  async deliverDue(): Promise<DeliverResult> {
    const mailer = this.deps.mailer();
    if (!mailer) return { configured: false, outcomes: [] };
    const now = this.deps.clock.now();
    const due = await this.deps.store.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('created_at')
      .limit(BATCH)
      .execute();
    const outcomes: DeliveryOutcome[] = [];
    for (const row of due) {
      if (!(await this.#claim(row, now))) continue;
      outcomes.push(await this.#deliver(mailer, row));
    }
    return { configured: true, outcomes };
  }

  async list(filter: { state?: OutboxState; incidentId?: string } = {}): Promise<OutboxEntry[]> {
    let query = this.deps.store.db.selectFrom('mail_outbox').selectAll().orderBy('created_at');
    if (filter.state) query = query.where('state', '=', filter.state);
    if (filter.incidentId) query = query.where('incident_id', '=', filter.incidentId);
    return (await query.execute()).map(toEntry);
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    const row = await this.deps.store.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toEntry(row) : undefined;
  }

  async attempts(id: string): Promise<{ at: number; outcome: 'sent' | 'failed'; detail: string }[]> {
    const rows = await this.deps.store.db
      .selectFrom('mail_outbox_attempts')
      .select(['at', 'outcome', 'detail'])
      .where('mail_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ at: Number(r.at), outcome: r.outcome, detail: r.detail }));
  }

  /** Puts a failed mail back in line (after the SMTP problem was fixed): attempts start over. */
  async retry(id: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const result = await this.deps.store.db
      .updateTable('mail_outbox')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Moves the mail's next attempt past the claim time, only if nobody else did first. */
  async #claim(row: Row, now: number): Promise<boolean> {
    const result = await this.deps.store.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: now + CLAIM_MS, updated_at: now })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async #deliver(mailer: Mailer, row: Row): Promise<DeliveryOutcome> {
    const { store, keys, clock } = this.deps;
    const base = { id: row.id, kind: row.kind, incidentId: row.incident_id, tenantId: row.tenant };
    const attempts = Number(row.attempts) + 1;
    try {
      const key = await keys.version(NOTIFICATIONS_KEY_ID, Number(row.key_version));
      const message = JSON.parse(
        open(key.key, row.sealed!, mailContext(row.id)).toString('utf8'),
      ) as MailMessage;
      await mailer.send(message);
    } catch (error) {
      return this.#failed(row, attempts, deliveryError(error));
    }
    const now = clock.now();
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('mail_outbox')
        .set({
          state: 'delivered',
          sealed: null,
          key_version: null,
          attempts,
          next_attempt_at: null,
          delivered_at: now,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .execute();
      await trx
        .insertInto('mail_outbox_attempts')
        .values({ mail_id: row.id, at: now, outcome: 'sent', detail: 'accepted by the SMTP server' })
        .execute();
    });
    return { ...base, outcome: 'sent', detail: `delivered on attempt ${attempts}` };
  }

  async #failed(row: Row, attempts: number, detail: string): Promise<DeliveryOutcome> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const final = attempts >= MAX_ATTEMPTS;
    const next = final ? null : now + retryDelay(attempts);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('mail_outbox')
        .set({
          state: final ? 'failed' : 'pending',
          attempts,
          next_attempt_at: next,
          last_error: detail,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .execute();
      await trx
        .insertInto('mail_outbox_attempts')
        .values({ mail_id: row.id, at: now, outcome: 'failed', detail })
        .execute();
    });
    const base = { id: row.id, kind: row.kind, incidentId: row.incident_id, tenantId: row.tenant };
    if (final) {
      this.deps
        .log()
        .error(
          { mailId: row.id, kind: row.kind, incidentId: row.incident_id, attempts, error: detail },
          'an e-mail could not be delivered and is kept as failed: see `koppel notifications list`',
        );
      return { ...base, outcome: 'failed', detail: `${detail}; gave up after ${attempts} attempts` };
    }
    this.deps
      .log()
      .warn(
        { mailId: row.id, kind: row.kind, attempts, error: detail },
        'e-mail delivery failed, will retry',
      );
    return {
      ...base,
      outcome: 'retrying',
      detail: `${detail}; attempt ${attempts}, next at ${new Date(next!).toISOString()}`,
    };
  }
}

function toEntry(row: Row): OutboxEntry {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    kind: row.kind,
    incidentId: row.incident_id,
    tenantId: row.tenant,
    state: row.state,
    attempts: Number(row.attempts),
    nextAttemptAt: n(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: n(row.delivered_at),
  };
}
