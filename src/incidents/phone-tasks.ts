import type { TenantContacts } from '../tenants/tenant-contacts.js';
import { amsterdamTime } from './customer-notice-mail.js';
import type { Incident } from './incident-model.js';

export type CallOutcome = 'reached' | 'not-reached' | 'voicemail';
export const CALL_OUTCOMES: readonly CallOutcome[] = ['reached', 'not-reached', 'voicemail'];

/** A call the operator must make, made alongside every notice e-mail, and its recorded outcome. */
export interface PhoneTask {
  tenantId: string;
  /** 1 = the first person on the tenant's list. */
  contact: number;
  round: number;
  createdAt: number;
  /** Who to call; null when the tenant's contacts are gone (offboarded) or no longer list this one. */
  name: string | null;
  role: string | null;
  phone: string | null;
  language: 'nl' | 'en' | null;
  script: string | null;
  /** 'open' until the operator records a call; then the last outcome. */
  outcome: CallOutcome | 'open';
  note: string | null;
  recordedAt: number | null;
  recordedBy: string | null;
}

/** What the operator says, in the contact's language; the person's name is filled in at display time. */
export function callScript(
  incident: Incident,
  controllerName: string,
  processorName: string,
  language: 'nl' | 'en',
  authorityDeadline: number,
): string {
  const deadline = amsterdamTime(authorityDeadline, language);
  return language === 'nl'
    ? `Goedendag, u spreekt met [uw naam] van ${processorName}. Ik bel over een datalek bij ons dat gegevens van ${controllerName} betreft (incident ${incident.id}). U hebt zojuist een e-mail met de details en een bevestigingscode gekregen. Kunt u bevestigen dat u deze melding hebt ontvangen? Als het datalek gemeld moet worden, moet uw organisatie dat vóór ${deadline} bij de Autoriteit Persoonsgegevens doen; wij helpen daarbij. Noteer daarna de uitkomst: koppel incidents call ${incident.id} --tenant <tenant> --contact <n> --outcome reached|not-reached|voicemail.`
    : `Hello, this is [your name] of ${processorName}. I am calling about a personal data breach at our side that concerns data of ${controllerName} (incident ${incident.id}). You have just received an e-mail with the details and an acknowledgement code. Can you confirm that you received this notice? If the breach must be notified, your organisation must notify the Autoriteit Persoonsgegevens before ${deadline}; we will assist. Afterwards record the outcome: koppel incidents call ${incident.id} --tenant <tenant> --contact <n> --outcome reached|not-reached|voicemail.`;
}

const HOUR = 3_600_000;

/**
 * The phone tasks of an incident, from its events (which hold contact positions only) and the
 * tenants' current contact lists (which hold the names and numbers).
 */
export function phoneTasks(
  incident: Incident,
  contactsOf: ReadonlyMap<string, TenantContacts | null>,
  processorName: string,
): PhoneTask[] {
  const tasks: PhoneTask[] = [];
  for (const event of incident.events) {
    const b = event.body;
    if (b.type !== 'notice-attempt' || b.channel !== 'phone') continue;
    if (b.outcome === 'queued') {
      const contacts = contactsOf.get(b.tenantId) ?? null;
      const person = contacts?.contacts[b.contactIndex];
      tasks.push({
        tenantId: b.tenantId,
        contact: b.contactIndex + 1,
        round: b.round ?? 1,
        createdAt: event.at,
        name: person?.name ?? null,
        role: person?.role ?? null,
        phone: person?.phone ?? null,
        language: person?.language ?? null,
        script:
          person && contacts
            ? callScript(
                incident,
                contacts.controller.legalName,
                processorName,
                person.language,
                event.at + 72 * HOUR,
              )
            : null,
        outcome: 'open',
        note: null,
        recordedAt: null,
        recordedBy: null,
      });
      continue;
    }
    // An outcome belongs to the latest task for that contact.
    const task = tasks.findLast((t) => t.tenantId === b.tenantId && t.contact === b.contactIndex + 1);
    if (!task) continue;
    task.outcome = b.outcome as CallOutcome;
    task.note = b.detail || null;
    task.recordedAt = event.at;
    task.recordedBy = event.actor.actor;
  }
  return tasks;
}

/**
 * A phone task without the person: the DPO sees who is to be called by position and role only, never
 * a name or a number (the DPO role sees no personal data; an admin makes the call).
 */
export function withoutPersonalData(task: PhoneTask): PhoneTask {
  return { ...task, name: null, phone: null };
}
