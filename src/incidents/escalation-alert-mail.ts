import type { MailText } from './customer-notice-mail.js';
import type { Incident } from './incident-model.js';

/**
 * To the DPO and the operators when a customer cannot be reached: ids and counts only (the contacts'
 * names and numbers are in `koppel incidents calls`), in Dutch and English (they are our own staff).
 */
export function escalationAlertMail(
  incident: Incident,
  tenantId: string,
  reason: 'no-contacts' | 'all-contacts-tried',
  round: number,
  ackMinutes: number,
): MailText {
  const nl =
    reason === 'no-contacts'
      ? `Klant ${tenantId} heeft geen contactpersonen voor datalekmeldingen. Zij is niet geïnformeerd. Leg ze vast met: koppel tenant contacts set ${tenantId} <bestand.json>; koppel benadert de klant daarna vanzelf.`
      : `Geen enkele contactpersoon van klant ${tenantId} heeft de melding bevestigd (ronde ${round}). koppel begint opnieuw bij de eerste contactpersoon en wacht telkens ${ackMinutes} minuten. Bel de klant: koppel incidents calls ${incident.id}.`;
  const en =
    reason === 'no-contacts'
      ? `Customer ${tenantId} has no breach-notice contacts and was not informed. Set them with: koppel tenant contacts set ${tenantId} <file.json>; koppel then contacts the customer by itself.`
      : `No contact person of customer ${tenantId} acknowledged the notice (round ${round}). koppel starts again with the first contact, waiting ${ackMinutes} minutes each time. Call the customer: koppel incidents calls ${incident.id}.`;
  return {
    subject: `[koppel] ${reason === 'no-contacts' ? 'Klant zonder contactpersonen / customer without contacts' : 'Klant niet bereikt / customer not reached'}: ${tenantId}, incident ${incident.id}`,
    text: `${nl}\n\n${en}\n\nIncident ${incident.id}: ${incident.title}\n`,
  };
}
