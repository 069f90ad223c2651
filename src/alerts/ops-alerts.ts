import type { Clock } from '../clock.js';
import type { AlertsConfig } from '../config/config-schema.js';
import type { DueJob } from '../incidents/due-jobs.js';
import type { MailOutbox } from '../incidents/incident-model.js';
import type { Logger } from '../log/logger.js';
import type { Queue } from '../queue/queue.js';
import type { Store } from '../store/open-store.js';
import type { TenantContactsStore } from '../tenants/tenant-contacts-store.js';
import { type AlertDetail, type AlertKind, alertMail, recoveryMail } from './alert-mail.js';
import type { SyncHealth } from './sync-health.js';

export interface OpsAlertsDeps {
  store: Store;
  queue: Queue;
  syncHealth: SyncHealth;
  contacts: TenantContactsStore;
  outbox: MailOutbox;
  clock: Clock;
  config: AlertsConfig;
  /** notifications.operatorEmails: they get every alert of every tenant. */
  operatorEmails: readonly string[];
  log: () => Logger;
}

export interface Condition {
  tenantId: string;
  kind: AlertKind;
  detail: AlertDetail;
}

export interface AlertsRound {
  opened: { tenant: string; kind: AlertKind }[];
  cleared: { tenant: string; kind: AlertKind }[];
  /** Alerts still open after this round (folded: no mail again). */
  open: number;
  /** Mails put in the outbox. */
  mails: number;
}

const MINUTE = 60_000;

/**
 * Operational alerts, a due job of every worker: a tenant's sync failing longer than
 * alerts.failingMinutes, its dead letters above alerts.deadLetterThreshold, a full resync after an
 * expired change token. Each goes to the tenant's technical contact (koppel tenant contacts) and the
 * operators, says what to do, and never holds personal data. One open alert per tenant and kind: the
 * insert that opens it (or the delete that clears it) decides which process sends the mail, so
 * workers running the job at once send it once; the recovery notice follows when it clears.
 */
export class OpsAlerts implements DueJob {
  readonly name = 'alerts';

  constructor(private readonly deps: OpsAlertsDeps) {}

  async runDue(): Promise<AlertsRound> {
    const round: AlertsRound = { opened: [], cleared: [], open: 0, mails: 0 };
    if (!this.deps.config.enabled) return round;
    const now = this.deps.clock.now();
    const conditions = await this.conditions(now);
    const db = this.deps.store.db;
    const open = await db.selectFrom('ops_alerts').select(['tenant_id', 'kind']).execute();
    const isOpen = new Set(open.map((a) => `${a.tenant_id}\u0000${a.kind}`));
    const holds = new Set(conditions.map((c) => `${c.tenantId}\u0000${c.kind}`));
    for (const c of conditions) {
      if (isOpen.has(`${c.tenantId}\u0000${c.kind}`)) continue;
      const won = await db
        .insertInto('ops_alerts')
        .values({ tenant_id: c.tenantId, kind: c.kind, opened_at: now, detail: JSON.stringify(c.detail) })
        .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doNothing())
        .returning('kind')
        .executeTakeFirst();
      if (!won) continue;
      round.opened.push({ tenant: c.tenantId, kind: c.kind });
      round.mails += await this.#send(c.tenantId, `ops-alert`, alertMail(c.tenantId, c.kind, c.detail));
      this.deps
        .log()
        .warn(
          { event: 'alert.opened', tenant: c.tenantId, kind: c.kind, ...c.detail },
          'operational alert opened',
        );
    }
    for (const a of open) {
      if (holds.has(`${a.tenant_id}\u0000${a.kind}`)) continue;
      const kind = a.kind as AlertKind;
      const won = await db
        .deleteFrom('ops_alerts')
        .where('tenant_id', '=', a.tenant_id)
        .where('kind', '=', a.kind)
        .returning('kind')
        .executeTakeFirst();
      if (!won) continue;
      round.cleared.push({ tenant: a.tenant_id, kind });
      round.mails += await this.#send(a.tenant_id, 'ops-recovery', recoveryMail(a.tenant_id, kind));
      this.deps
        .log()
        .info({ event: 'alert.cleared', tenant: a.tenant_id, kind }, 'operational alert cleared');
    }
    round.open = open.length + round.opened.length - round.cleared.length;
    return round;
  }

  /** What holds now, from the store alone (so any worker judges the same). */
  async conditions(now: number): Promise<Condition[]> {
    const { config } = this.deps;
    const out: Condition[] = [];
    // A paused tenant is not synced on purpose: its last failure is no reason to alert.
    const paused = new Set(
      (
        await this.deps.store.db.selectFrom('tenants').select('id').where('status', '!=', 'active').execute()
      ).map((t) => t.id),
    );
    for (const h of await this.deps.syncHealth.list()) {
      if (paused.has(h.tenantId)) continue;
      if (h.failingSince === null || now - h.failingSince < config.failingMinutes * MINUTE) continue;
      out.push({
        tenantId: h.tenantId,
        kind: 'sync-failing',
        detail: {
          failure: h.errorKind ?? 'other',
          errorClass: h.errorClass ?? 'Error',
          minutes: Math.floor((now - h.failingSince) / MINUTE),
        },
      });
    }
    const dead = new Map<string, number>();
    for (const s of await this.deps.queue.stats()) dead.set(s.tenantId, (dead.get(s.tenantId) ?? 0) + s.dead);
    for (const [tenantId, deadLetters] of dead) {
      if (deadLetters > config.deadLetterThreshold)
        out.push({
          tenantId,
          kind: 'dead-letters',
          detail: { deadLetters, threshold: config.deadLetterThreshold },
        });
    }
    // A full resync under way keeps its generation in this checkpoint (src/sync/full-resync.ts).
    const resyncs = await this.deps.store.db
      .selectFrom('sync_checkpoints')
      .select('tenant_id')
      .where('source', '=', 'dataverse-resync')
      .execute();
    for (const r of resyncs) out.push({ tenantId: r.tenant_id, kind: 'full-resync', detail: {} });
    return out;
  }

  /** To the tenant's technical contact and every operator; returns how many mails were put out. */
  async #send(tenantId: string, kind: string, mail: { subject: string; text: string }): Promise<number> {
    const contacts = await this.deps.contacts.get(tenantId).catch(() => null);
    const to = [
      ...new Set([
        ...(contacts?.technicalContact ? [contacts.technicalContact.email] : []),
        ...this.deps.operatorEmails,
      ]),
    ];
    if (to.length === 0) {
      this.deps
        .log()
        .warn(
          { event: 'alert.no-recipient', tenant: tenantId, kind },
          'no one to alert: set a technicalContact (koppel tenant contacts set) or notifications.operatorEmails',
        );
      return 0;
    }
    for (const address of to) await this.deps.outbox.enqueue({ to: address, ...mail, kind, tenantId });
    return to.length;
  }
}
