import type { Clock, Random } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import type { SecurityEventLog } from '../queue/security-event-log.js';
import type { TenantContacts } from '../tenants/tenant-contacts.js';
import { ackCodeHash, newAckCode, sameHash } from './ack-codes.js';
import { customerNoticeMail, followUpMail } from './customer-notice-mail.js';
import { escalationAlertMail } from './escalation-alert-mail.js';
import {
  type Actor,
  type Incident,
  type IncidentEventBody,
  type IncidentState,
  type MailOutbox,
  SYSTEM_ACTOR,
} from './incident-model.js';
import { type CallOutcome, type PhoneTask, phoneTasks } from './phone-tasks.js';
import { type TenantProgress, tenantProgress } from './tenant-progress.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The part of the incident register (incident-register.ts) the escalation uses. */
export interface IncidentRegisterPort {
  get(id: string): Promise<Incident>;
  list(filter?: { open?: boolean; state?: IncidentState }): Promise<Incident[]>;
  append(id: string, body: IncidentEventBody, actor: Actor): Promise<Incident>;
  advance(
    id: string,
    to: IncidentState,
    input: { reason: string; awareAt?: number; delayReason?: string },
    actor: Actor,
  ): Promise<Incident>;
}

export interface EscalationDeps {
  register: IncidentRegisterPort;
  contacts: { get(tenantId: string): Promise<TenantContacts | null> };
  outbox: MailOutbox;
  clock: Clock;
  random: Random;
  config: Pick<KoppelConfig, 'processor' | 'notifications' | 'incidents'>;
  securityEvents: Pick<SecurityEventLog, 'record'>;
  log: () => Logger;
}

/** Refused by the escalation: the message says why and what to do. */
export class EscalationError extends Error {}

export type TenantNoticeResult =
  | {
      tenantId: string;
      status: 'notified';
      /** 1 = the first person on the tenant's list. */
      contact: number;
      round: number;
      outboxId: string;
      /** The controller's 72 hours for the AP, counted from this notice. */
      authorityDeadline: string;
    }
  | { tenantId: string; status: 'already-notified'; since: string; acknowledged: boolean }
  | { tenantId: string; status: 'no-contacts'; detail: string }
  | { tenantId: string; status: 'failed'; detail: string };

export interface NotifyResult {
  incidentId: string;
  state: IncidentState;
  tenants: TenantNoticeResult[];
}

export interface DueAction {
  incidentId: string;
  tenantId?: string;
  action: 'next-contact' | 'alerted' | 'started' | 'customers-informed' | 'advance-refused' | 'failed';
  detail: string;
}

export type AckResult =
  | { status: 'acknowledged'; tenantId: string; contact: number; customersInformed: boolean }
  | { status: 'already-acknowledged'; tenantId: string; contact: number };

export interface FollowUpResult {
  tenantId: string;
  status: 'sent' | 'not-acknowledged' | 'failed';
  number?: number;
  contact?: number;
  detail?: string;
}

/**
 * Informing the affected customers (issue 13 point 5): per tenant, in its contacts' order, an e-mail
 * with an acknowledgement code and a phone task for the operator; no acknowledgement within
 * incidents.acknowledgeMinutes -> the next contact (runDue, called by the running koppel); all tried
 * -> the DPO and operators alerted and the list starts over. Every step is an event of the incident;
 * the events name contacts by position only, the names and numbers stay in the sealed contact list.
 */
export class Escalation {
  constructor(private readonly deps: EscalationDeps) {}

  get #ackMs() {
    return this.deps.config.incidents.acknowledgeMinutes * MINUTE;
  }

  /** Starts informing every affected tenant not yet notified; one result per tenant. */
  async notify(incidentId: string, actor: Actor): Promise<NotifyResult> {
    let incident = await this.deps.register.get(incidentId);
    if (incident.state === 'assessment')
      incident = await this.deps.register.advance(
        incidentId,
        'informing-customers',
        { reason: 'informing the affected customers (koppel incidents notify)' },
        actor,
      );
    if (incident.state !== 'informing-customers')
      throw new EscalationError(
        `incident ${incidentId} is in state ${incident.state}: customers are informed from assessment or informing-customers (koppel incidents advance ${incidentId} assessment --reason ...)`,
      );
    const results: TenantNoticeResult[] = [];
    for (const tenantId of incident.tenants) {
      try {
        results.push(await this.#notifyTenant(incident, tenantId, actor));
      } catch (error) {
        this.deps
          .log()
          .error({ incidentId, tenantId, err: (error as Error).message }, 'customer notice failed');
        results.push({ tenantId, status: 'failed', detail: (error as Error).message });
      }
      incident = await this.deps.register.get(incidentId);
    }
    return { incidentId, state: incident.state, tenants: results };
  }

  async #notifyTenant(incident: Incident, tenantId: string, actor: Actor): Promise<TenantNoticeResult> {
    const progress = tenantProgress(incident, tenantId);
    const first = progress.emails[0];
    if (first)
      return {
        tenantId,
        status: 'already-notified',
        since: new Date(first.at).toISOString(),
        acknowledged: progress.acknowledged !== null,
      };
    const contacts = await this.deps.contacts.get(tenantId);
    if (!contacts || contacts.contacts.length === 0) {
      await this.#alert(incident, tenantId, 'no-contacts', 1, actor);
      return {
        tenantId,
        status: 'no-contacts',
        detail: `tenant ${tenantId} has no breach-notice contacts (koppel tenant contacts set ${tenantId} <file.json>); the DPO and operators were alerted, the other tenants were informed`,
      };
    }
    return this.#contact(incident, tenantId, contacts, 0, 1, actor);
  }

  /** One attempt: the notice e-mail with a fresh code, and a phone task for the same person. */
  async #contact(
    incident: Incident,
    tenantId: string,
    contacts: TenantContacts,
    contactIndex: number,
    round: number,
    actor: Actor,
  ): Promise<TenantNoticeResult & { status: 'notified' }> {
    const { clock, random, config, outbox, register } = this.deps;
    const person = contacts.contacts[contactIndex]!;
    const code = newAckCode(random);
    const sentAt = clock.now();
    const authorityDeadline = sentAt + 72 * HOUR;
    const mail = customerNoticeMail({
      incident,
      language: person.language,
      contactName: person.name,
      controllerName: contacts.controller.legalName,
      ackCode: code,
      sentAt,
      authorityDeadline,
      ackMinutes: config.incidents.acknowledgeMinutes,
      processor: config.processor,
    });
    const { id: outboxId } = await outbox.enqueue({
      to: person.email,
      ...mail,
      kind: 'customer-notice',
      incidentId: incident.id,
      tenantId,
    });
    await register.append(
      incident.id,
      {
        type: 'notice-attempt',
        tenantId,
        contactIndex,
        channel: 'email',
        outcome: 'queued',
        detail: `notice e-mail queued (outbox ${outboxId})`,
        codeHash: ackCodeHash(incident.id, tenantId, code),
        outboxId,
        round,
      },
      actor,
    );
    await register.append(
      incident.id,
      {
        type: 'notice-attempt',
        tenantId,
        contactIndex,
        channel: 'phone',
        outcome: 'queued',
        detail: 'phone task for the operator (koppel incidents calls)',
        round,
      },
      actor,
    );
    return {
      tenantId,
      status: 'notified',
      contact: contactIndex + 1,
      round,
      outboxId,
      authorityDeadline: new Date(authorityDeadline).toISOString(),
    };
  }

  async #alert(
    incident: Incident,
    tenantId: string,
    reason: 'no-contacts' | 'all-contacts-tried',
    round: number,
    actor: Actor,
  ): Promise<void> {
    const { config, outbox, register } = this.deps;
    await register.append(incident.id, { type: 'escalation-alert', tenantId, reason, round }, actor);
    const to = [
      config.notifications.dpoEmail ?? config.processor.dpo?.email,
      ...config.notifications.operatorEmails,
    ]
      .filter((a): a is string => Boolean(a))
      .filter((a, i, all) => all.indexOf(a) === i);
    if (to.length === 0) {
      this.deps
        .log()
        .error(
          { incidentId: incident.id, tenantId, reason },
          'a customer could not be reached about a breach and nobody could be alerted: set notifications.dpoEmail or processor.dpo.email',
        );
      return;
    }
    const mail = escalationAlertMail(incident, tenantId, reason, round, config.incidents.acknowledgeMinutes);
    for (const address of to)
      await outbox.enqueue({
        to: address,
        ...mail,
        kind: 'escalation-alert',
        incidentId: incident.id,
        tenantId,
      });
    this.deps
      .log()
      .error(
        { incidentId: incident.id, tenantId, reason, round },
        'a customer has not acknowledged a breach notice: the DPO and operators were alerted',
      );
  }

  /**
   * What the running koppel does every minute: for every incident being informed, each tenant whose
   * last contact has not acknowledged within the wait gets the next contact; after the last one the
   * DPO and operators are alerted and the first contact is tried again, the same wait later.
   */
  async runDue(): Promise<DueAction[]> {
    const actions: DueAction[] = [];
    for (const incident of await this.deps.register.list({ state: 'informing-customers' })) {
      for (const tenantId of incident.tenants) {
        try {
          const action = await this.#tenantDue(incident.id, tenantId);
          if (action) actions.push(action);
        } catch (error) {
          actions.push({
            incidentId: incident.id,
            tenantId,
            action: 'failed',
            detail: (error as Error).message,
          });
        }
      }
      const done = await this.#completeIfAllAcknowledged(incident.id);
      if (done) actions.push(done);
    }
    return actions;
  }

  async #tenantDue(incidentId: string, tenantId: string): Promise<DueAction | null> {
    const incident = await this.deps.register.get(incidentId);
    const progress = tenantProgress(incident, tenantId);
    if (progress.acknowledged) return null;
    const now = this.deps.clock.now();
    const last = progress.emails.at(-1);
    if (last && now - last.at < this.#ackMs) return null;
    const contacts = await this.deps.contacts.get(tenantId);
    if (!contacts || contacts.contacts.length === 0) {
      // Alerted once per incident and tenant; the tenant's result and `koppel incidents calls` show it.
      if (progress.alerts.some((a) => a.reason === 'no-contacts')) return null;
      await this.#alert(incident, tenantId, 'no-contacts', 1, SYSTEM_ACTOR);
      return { incidentId, tenantId, action: 'alerted', detail: 'no contacts' };
    }
    if (!last) {
      // Contacts were set after the notify: start now.
      await this.#contact(incident, tenantId, contacts, 0, 1, SYSTEM_ACTOR);
      return { incidentId, tenantId, action: 'started', detail: 'contact 1' };
    }
    const next = last.contactIndex + 1;
    if (next < contacts.contacts.length) {
      await this.#contact(incident, tenantId, contacts, next, last.round, SYSTEM_ACTOR);
      return { incidentId, tenantId, action: 'next-contact', detail: `contact ${next + 1}` };
    }
    await this.#alert(incident, tenantId, 'all-contacts-tried', last.round, SYSTEM_ACTOR);
    await this.#contact(incident, tenantId, contacts, 0, last.round + 1, SYSTEM_ACTOR);
    return {
      incidentId,
      tenantId,
      action: 'alerted',
      detail: `all ${contacts.contacts.length} contact(s) tried; round ${last.round + 1} starts with contact 1`,
    };
  }

  /** Moves the incident to customers-informed once every affected tenant acknowledged. */
  async #completeIfAllAcknowledged(incidentId: string): Promise<DueAction | null> {
    const incident = await this.deps.register.get(incidentId);
    if (incident.state !== 'informing-customers') return null;
    if (!incident.tenants.every((t) => tenantProgress(incident, t).acknowledged)) return null;
    const reason = 'every affected customer acknowledged the breach notice';
    try {
      await this.deps.register.advance(incidentId, 'customers-informed', { reason }, SYSTEM_ACTOR);
      return { incidentId, action: 'customers-informed', detail: reason };
    } catch (error) {
      const why = (error as Error).message;
      // Recorded once: the next run tries again, but the history does not fill up with copies.
      const said = `could not move to customers-informed: ${why}`;
      if (!incident.events.some((e) => e.body.type === 'note' && e.body.text === said))
        await this.deps.register.append(incidentId, { type: 'note', text: said }, SYSTEM_ACTOR);
      return { incidentId, action: 'advance-refused', detail: why };
    }
  }

  /** `koppel incidents ack`: a code from a notice e-mail acknowledges for its tenant. */
  async acknowledge(incidentId: string, tenantId: string, code: string, actor: Actor): Promise<AckResult> {
    const incident = await this.deps.register.get(incidentId);
    const progress = this.#progressOrThrow(incident, tenantId);
    const hash = ackCodeHash(incidentId, tenantId, code);
    const match = progress.emails.find((e) => e.codeHash && sameHash(e.codeHash, hash));
    if (!match) {
      await this.deps.securityEvents.record({
        kind: 'incident.ack-code-refused',
        tenantId,
        subject: incidentId,
        detail: { actor: actor.actor, address: actor.address },
      });
      throw new EscalationError(
        `the code does not match any notice sent to tenant ${tenantId} for incident ${incidentId}; the attempt was recorded as a security event`,
      );
    }
    if (progress.acknowledged)
      return { status: 'already-acknowledged', tenantId, contact: progress.acknowledged.contactIndex + 1 };
    await this.deps.register.append(
      incidentId,
      { type: 'acknowledged', tenantId, contactIndex: match.contactIndex, via: 'code' },
      actor,
    );
    const done = await this.#completeIfAllAcknowledged(incidentId);
    return {
      status: 'acknowledged',
      tenantId,
      contact: match.contactIndex + 1,
      customersInformed: done?.action === 'customers-informed',
    };
  }

  /** `koppel incidents call`: the operator's record of a phone call; `reached` acknowledges. */
  async recordCall(
    incidentId: string,
    tenantId: string,
    contact: number,
    outcome: CallOutcome,
    note: string | undefined,
    actor: Actor,
  ): Promise<{ task: PhoneTask; acknowledged: boolean; customersInformed: boolean }> {
    const incident = await this.deps.register.get(incidentId);
    const progress = this.#progressOrThrow(incident, tenantId);
    const contactIndex = contact - 1;
    if (!progress.phoneTasks.some((t) => t.contactIndex === contactIndex))
      throw new EscalationError(
        `there is no phone task for contact ${contact} of tenant ${tenantId} in incident ${incidentId} (see koppel incidents calls ${incidentId})`,
      );
    if (note && note.length > 500) throw new EscalationError('note: must be at most 500 characters');
    await this.deps.register.append(
      incidentId,
      {
        type: 'notice-attempt',
        tenantId,
        contactIndex,
        channel: 'phone',
        outcome,
        detail: note?.trim() ?? '',
      },
      actor,
    );
    let acknowledged = false;
    let customersInformed = false;
    if (outcome === 'reached' && !progress.acknowledged) {
      await this.deps.register.append(
        incidentId,
        { type: 'acknowledged', tenantId, contactIndex, via: 'phone' },
        actor,
      );
      acknowledged = true;
      customersInformed =
        (await this.#completeIfAllAcknowledged(incidentId))?.action === 'customers-informed';
    }
    const tasks = await this.calls(incidentId);
    const task = tasks.findLast((t) => t.tenantId === tenantId && t.contact === contact)!;
    return { task, acknowledged, customersInformed };
  }

  /** The phone tasks of an incident with whom to call, the number, the script and the outcome. */
  async calls(incidentId: string): Promise<PhoneTask[]> {
    const incident = await this.deps.register.get(incidentId);
    const contacts = new Map<string, TenantContacts | null>();
    for (const tenantId of incident.tenants) contacts.set(tenantId, await this.#contactsOrNull(tenantId));
    return phoneTasks(incident, contacts, this.deps.config.processor.name ?? 'koppel');
  }

  /** Per tenant: who was contacted, when, and whether and how it acknowledged. */
  async progress(incidentId: string): Promise<TenantProgress[]> {
    const incident = await this.deps.register.get(incidentId);
    return incident.tenants.map((t) => tenantProgress(incident, t));
  }

  /** `koppel incidents update`: a numbered follow-up to each tenant's contact who acknowledged. */
  async followUp(incidentId: string, message: string, actor: Actor): Promise<FollowUpResult[]> {
    const text = message.trim();
    if (!text) throw new EscalationError('message: must not be empty');
    if (text.length > 10_000) throw new EscalationError('message: must be at most 10000 characters');
    const incident = await this.deps.register.get(incidentId);
    if (['reported', 'triage', 'not-a-breach', 'closed'].includes(incident.state))
      throw new EscalationError(
        `incident ${incidentId} is in state ${incident.state}: no follow-up notices are sent`,
      );
    await this.deps.register.append(incidentId, { type: 'note', text: `follow-up notice: ${text}` }, actor);
    const results: FollowUpResult[] = [];
    for (const tenantId of incident.tenants) {
      const progress = tenantProgress(incident, tenantId);
      if (!progress.acknowledged) {
        results.push({
          tenantId,
          status: 'not-acknowledged',
          detail:
            'no contact has acknowledged yet: the escalation goes on; follow-ups go to whoever acknowledges',
        });
        continue;
      }
      try {
        results.push(await this.#sendFollowUp(incident, tenantId, progress, text, actor));
      } catch (error) {
        results.push({ tenantId, status: 'failed', detail: (error as Error).message });
      }
    }
    return results;
  }

  async #sendFollowUp(
    incident: Incident,
    tenantId: string,
    progress: TenantProgress,
    message: string,
    actor: Actor,
  ): Promise<FollowUpResult> {
    const contactIndex = progress.acknowledged!.contactIndex;
    const contacts = await this.deps.contacts.get(tenantId);
    const person = contacts?.contacts[contactIndex];
    if (!person)
      throw new EscalationError(`contact ${contactIndex + 1} of tenant ${tenantId} is no longer listed`);
    const number = progress.followUps + 1;
    const mail = followUpMail({
      incident,
      language: person.language,
      contactName: person.name,
      number,
      message,
      processor: this.deps.config.processor,
    });
    await this.deps.outbox.enqueue({
      to: person.email,
      ...mail,
      kind: 'follow-up',
      incidentId: incident.id,
      tenantId,
    });
    await this.deps.register.append(
      incident.id,
      { type: 'follow-up-sent', tenantId, number, contactIndex },
      actor,
    );
    return { tenantId, status: 'sent', number, contact: contactIndex + 1 };
  }

  /**
   * Records the outbox's delivery outcome of a notice e-mail as an attempt of the incident, so its
   * history shows sent or failed next to queued (wire to Outbox.deliverDue's outcomes).
   */
  async recordDelivery(outcome: {
    id: string;
    incidentId: string | null;
    tenantId: string | null;
    kind: string;
    outcome: 'sent' | 'retrying' | 'failed';
    detail: string;
  }): Promise<void> {
    if (outcome.kind !== 'customer-notice' || outcome.outcome === 'retrying') return;
    if (!outcome.incidentId || !outcome.tenantId) return;
    const incident = await this.deps.register.get(outcome.incidentId);
    const queued = tenantProgress(incident, outcome.tenantId).emails.find((e) => e.outboxId === outcome.id);
    if (!queued) return;
    await this.deps.register.append(
      incident.id,
      {
        type: 'notice-attempt',
        tenantId: outcome.tenantId,
        contactIndex: queued.contactIndex,
        channel: 'email',
        outcome: outcome.outcome,
        detail: outcome.detail,
        outboxId: outcome.id,
        round: queued.round,
      },
      SYSTEM_ACTOR,
    );
  }

  #progressOrThrow(incident: Incident, tenantId: string): TenantProgress {
    if (!incident.tenants.includes(tenantId))
      throw new EscalationError(`tenant ${tenantId} is not affected by incident ${incident.id}`);
    return tenantProgress(incident, tenantId);
  }

  async #contactsOrNull(tenantId: string): Promise<TenantContacts | null> {
    try {
      return await this.deps.contacts.get(tenantId);
    } catch {
      return null;
    }
  }
}
