import type { Clock } from '../clock.js';
import type { KoppelConfig } from '../config/config-schema.js';
import type { Logger } from '../log/logger.js';
import { deadlineKey, formatAmsterdam, formatDuration } from './incident-clocks.js';
import type { Deadline, Incident, MailOutbox } from './incident-model.js';
import { SYSTEM_ACTOR } from './incident-model.js';
import type { IncidentRegister } from './incident-register.js';

export interface ReminderDeps {
  register: IncidentRegister;
  config: KoppelConfig;
  clock: Clock;
  outbox: MailOutbox;
  log: () => Logger;
}

export interface ReminderSent {
  incidentId: string;
  deadline: Deadline['name'];
  tenantId?: string;
  fraction: number;
  recipients: number;
}

export interface ReminderRound {
  sent: ReminderSent[];
  /** Incidents whose reminders failed this round, with why; the others still ran. */
  errors: Array<{ incidentId: string; error: string }>;
}

const DEADLINE_WORDS: Record<Deadline['name'], string> = {
  'customer-notice': 'our notice to the customer',
  'controller-authority': "the customer's own 72 hours to notify the AP",
  'own-authority': 'our own 72 hours to notify the AP (we are the controller)',
};

/**
 * Reminders by e-mail before a deadline: at each of `incidents.reminderFractions` (default 50 % and
 * 90 %) of every open deadline, the DPO and the operators are e-mailed once. Each reminder is a
 * `reminder-sent` event in the incident's history, so a restart does not send it again. When koppel
 * was down past several fractions, one e-mail goes out and every passed fraction is recorded.
 * `koppel run` calls runDue() on an interval; it is safe to call at any time, as often as wanted.
 */
export class IncidentReminders {
  constructor(private readonly deps: ReminderDeps) {}

  async runDue(): Promise<ReminderRound> {
    const round: ReminderRound = { sent: [], errors: [] };
    for (const incident of await this.deps.register.list({ open: true })) {
      try {
        round.sent.push(...(await this.#remind(incident)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        round.errors.push({ incidentId: incident.id, error: message });
        this.deps.log().warn({ incidentId: incident.id, error: message }, 'incident reminders failed');
      }
    }
    return round;
  }

  /** Who is reminded: the DPO and the operators, each once. */
  recipients(): string[] {
    const dpo = this.deps.register.dpoAddress();
    return [...new Set([...(dpo ? [dpo] : []), ...this.deps.config.notifications.operatorEmails])];
  }

  async #remind(incident: Incident): Promise<ReminderSent[]> {
    const clocks = await this.deps.register.clocks(incident);
    const now = clocks.now;
    const fractions = [...this.deps.config.incidents.reminderFractions].sort((a, b) => a - b);
    const already = new Set(
      incident.events.flatMap((e) =>
        e.body.type === 'reminder-sent'
          ? [`${deadlineKey({ name: e.body.deadline, tenantId: e.body.tenantId })}@${e.body.fraction}`]
          : [],
      ),
    );
    const out: ReminderSent[] = [];
    for (const deadline of clocks.deadlines) {
      if (deadline.state !== 'open') continue;
      const key = deadlineKey(deadline);
      const passed = fractions.filter(
        (f) => now >= deadline.from + f * (deadline.due - deadline.from) && !already.has(`${key}@${f}`),
      );
      const highest = passed.at(-1);
      if (highest === undefined) continue;
      const recipients = this.recipients();
      if (recipients.length === 0)
        this.deps
          .log()
          .warn(
            { incidentId: incident.id, deadline: deadline.name },
            'an incident reminder is due but no address is set (notifications.dpoEmail, processor.dpo.email, notifications.operatorEmails)',
          );
      for (const to of recipients)
        await this.deps.outbox.enqueue({
          to,
          subject: `[koppel] Reminder ${incident.id}: ${Math.round(highest * 100)}% of ${deadline.name}${deadline.tenantId ? ` (${deadline.tenantId})` : ''} has passed, due ${formatAmsterdam(deadline.due, 'en')}`,
          text: this.#text(incident, deadline, highest, now),
          kind: 'reminder',
          incidentId: incident.id,
          ...(deadline.tenantId ? { tenantId: deadline.tenantId } : {}),
        });
      for (const fraction of passed) {
        await this.deps.register.append(
          incident.id,
          {
            type: 'reminder-sent',
            deadline: deadline.name,
            fraction,
            recipients: recipients.length,
            ...(deadline.tenantId ? { tenantId: deadline.tenantId } : {}),
          },
          SYSTEM_ACTOR,
        );
        out.push({
          incidentId: incident.id,
          deadline: deadline.name,
          fraction,
          recipients: recipients.length,
          ...(deadline.tenantId ? { tenantId: deadline.tenantId } : {}),
        });
      }
    }
    return out;
  }

  #text(incident: Incident, deadline: Deadline, fraction: number, now: number): string {
    return [
      `Incident ${incident.id} (${incident.title}) is in state ${incident.state}.`,
      '',
      `${Math.round(fraction * 100)}% of the time for ${DEADLINE_WORDS[deadline.name]}${deadline.tenantId ? ` (customer ${deadline.tenantId})` : ''} has passed.`,
      `Counted from: ${formatAmsterdam(deadline.from, 'en')}`,
      `Due:          ${formatAmsterdam(deadline.due, 'en')}`,
      `Time left:    ${formatDuration(Math.max(0, deadline.due - now))}`,
      '',
      `See: koppel incidents show ${incident.id}`,
    ].join('\n');
  }
}
