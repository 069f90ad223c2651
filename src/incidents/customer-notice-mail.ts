import type { ProcessorConfig } from '../config/config-schema.js';
import type { NoticeLanguage } from '../tenants/tenant-contacts.js';
import type { Incident } from './incident-model.js';

/**
 * The texts of the e-mails to a customer (the controller) about a breach: the first notice and the
 * numbered follow-ups, in the contact's language. Kept apart from the escalation so a rendered
 * customer notice (the documents' one) can replace the body without touching the escalation.
 */
export interface NoticeInput {
  incident: Incident;
  language: NoticeLanguage;
  contactName: string;
  /** The controller's legal name. */
  controllerName: string;
  ackCode: string;
  /** When this notice goes out: the controller's awareness, from which its 72 hours run. */
  sentAt: number;
  /** sentAt + 72 h: the controller's deadline for the Autoriteit Persoonsgegevens. */
  authorityDeadline: number;
  ackMinutes: number;
  processor: ProcessorConfig;
}

export interface MailText {
  subject: string;
  text: string;
}

/** A moment as people in the Netherlands read it: Europe/Amsterdam, with the zone (CET/CEST). */
export function amsterdamTime(ms: number, language: NoticeLanguage): string {
  return new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone: 'Europe/Amsterdam',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(ms));
}

const WORDS = {
  nl: {
    subject: (p: string, t: string, id: string) => `Melding datalek van ${p}: ${t} (${id})`,
    greeting: (n: string) => `Beste ${n},`,
    intro: (p: string, c: string) =>
      `${p} verwerkt als verwerker persoonsgegevens voor ${c}. Wij informeren u zonder onnodige vertraging over een inbreuk in verband met persoonsgegevens (datalek) die gegevens van ${c} betreft (art. 33 lid 2 AVG).`,
    what: 'Wat is er gebeurd',
    when: 'Wanneer',
    detected: 'Ontdekt',
    aware: 'Vastgesteld als datalek',
    notYet: 'nog niet vastgesteld',
    data: 'Welke gegevens en hoeveel mensen',
    categories: 'Soorten gegevens',
    special: 'Bijzondere categorieën',
    people: 'Aantal betrokkenen',
    kinds: 'Soort betrokkenen',
    between: (a: number, b: number) => `tussen ${a} en ${b}`,
    taken: 'Genomen maatregelen',
    planned: 'Geplande maatregelen',
    none: '(nog geen)',
    unknown: 'Wat nog onbekend is',
    deadline: 'Uw termijn',
    deadlineText: (d: string) =>
      `Met dit bericht bent u als verwerkingsverantwoordelijke op de hoogte. Als het datalek gemeld moet worden, meldt u het binnen 72 uur aan de Autoriteit Persoonsgegevens, dus vóór ${d} (art. 33 lid 1 AVG). Wij helpen u daarbij (art. 28 lid 3 onder f AVG) en sturen u nieuwe informatie zodra wij die hebben.`,
    ack: 'Bevestig ontvangst',
    ackText: (m: number) =>
      `Bevestig dat u deze melding hebt ontvangen door de code hieronder aan ons contactpunt door te geven (per telefoon of e-mail). Zonder bevestiging binnen ${m} minuten benaderen wij de volgende contactpersoon op uw lijst.`,
    code: 'Bevestigingscode',
    contact: 'Ons contactpunt',
    closing: 'Met vriendelijke groet,',
    followSubject: (n: number, p: string, t: string, id: string) =>
      `Update ${n} datalek van ${p}: ${t} (${id})`,
    followIntro: (n: number, id: string) =>
      `Dit is update ${n} over datalek ${id}, dat wij u eerder meldden.`,
  },
  en: {
    subject: (p: string, t: string, id: string) => `Personal data breach notice from ${p}: ${t} (${id})`,
    greeting: (n: string) => `Dear ${n},`,
    intro: (p: string, c: string) =>
      `${p} processes personal data for ${c} as its processor. We are informing you without undue delay of a personal data breach that concerns data of ${c} (Art. 33(2) GDPR).`,
    what: 'What happened',
    when: 'When',
    detected: 'Detected',
    aware: 'Confirmed as a breach',
    notYet: 'not yet confirmed',
    data: 'Which data and how many people',
    categories: 'Kinds of data',
    special: 'Special categories',
    people: 'Number of people concerned',
    kinds: 'Kinds of people',
    between: (a: number, b: number) => `between ${a} and ${b}`,
    taken: 'Measures taken',
    planned: 'Measures planned',
    none: '(none yet)',
    unknown: 'What is still unknown',
    deadline: 'Your deadline',
    deadlineText: (d: string) =>
      `With this message you, the controller, are aware of the breach. If it must be notified, notify the Autoriteit Persoonsgegevens within 72 hours, that is before ${d} (Art. 33(1) GDPR). We assist you in this (Art. 28(3)(f) GDPR) and send you new information as soon as we have it.`,
    ack: 'Acknowledge receipt',
    ackText: (m: number) =>
      `Please acknowledge this notice by giving the code below to our contact point (by phone or e-mail). Without an acknowledgement within ${m} minutes we contact the next person on your list.`,
    code: 'Acknowledgement code',
    contact: 'Our contact point',
    closing: 'Kind regards,',
    followSubject: (n: number, p: string, t: string, id: string) =>
      `Update ${n} on the personal data breach from ${p}: ${t} (${id})`,
    followIntro: (n: number, id: string) =>
      `This is update ${n} on personal data breach ${id}, which we notified to you before.`,
  },
} as const;

const UNKNOWN = {
  nl: {
    facts: 'welke soorten gegevens en hoeveel mensen het betreft: dit zoeken wij nog uit',
    cause: 'de oorzaak',
    exfiltration: 'of gegevens zijn meegenomen',
    recipient: 'wie toegang tot de gegevens had',
    measures: 'welke maatregelen nog volgen',
  },
  en: {
    facts: 'which kinds of data and how many people are concerned: we are still establishing this',
    cause: 'the cause',
    exfiltration: 'whether data were taken',
    recipient: 'who had access to the data',
    measures: 'which further measures will follow',
  },
} as const;

/** What the notice must say is not known yet, derived from the facts recorded so far. */
export function stillUnknown(incident: Incident, language: NoticeLanguage): string[] {
  const u = UNKNOWN[language];
  const facts = incident.facts;
  if (!facts) return [u.facts];
  const out: string[] = [];
  if (facts.cause === 'unknown') out.push(u.cause);
  if (facts.exfiltration === 'possible') out.push(u.exfiltration);
  if (facts.recipient.kind === 'unknown') out.push(u.recipient);
  if (incident.measuresPlanned.length === 0) out.push(u.measures);
  return out;
}

export function customerNoticeMail(input: NoticeInput): MailText {
  const { incident, language: lang } = input;
  const w = WORDS[lang];
  const processorName = input.processor.name ?? 'koppel';
  const list = (items: readonly string[]) => (items.length ? items.map((i) => `- ${i}`) : [`- ${w.none}`]);
  const lines = [
    w.greeting(input.contactName),
    '',
    w.intro(processorName, input.controllerName),
    '',
    `${w.code}: ${input.ackCode}`,
    '',
    `## ${w.what}`,
    incident.title,
    ...(incident.summary ? [incident.summary] : []),
    ...(incident.effects ? [incident.effects] : []),
    '',
    `## ${w.when}`,
    `${w.detected}: ${amsterdamTime(incident.detectedAt, lang)}`,
    `${w.aware}: ${incident.awareAt === null ? w.notYet : amsterdamTime(incident.awareAt, lang)}`,
    '',
    `## ${w.data}`,
    ...dataLines(incident, lang),
    '',
    `## ${w.taken}`,
    ...list(incident.measuresTaken),
    '',
    `## ${w.planned}`,
    ...list(incident.measuresPlanned),
    '',
    `## ${w.unknown}`,
    ...list(stillUnknown(incident, lang)),
    '',
    `## ${w.deadline}`,
    w.deadlineText(amsterdamTime(input.authorityDeadline, lang)),
    '',
    `## ${w.ack}`,
    w.ackText(input.ackMinutes),
    `${w.code}: ${input.ackCode}`,
    '',
    `## ${w.contact}`,
    ...contactPoint(input.processor, lang),
    '',
    w.closing,
    processorName,
  ];
  return { subject: w.subject(processorName, incident.title, incident.id), text: lines.join('\n') };
}

export interface FollowUpInput {
  incident: Incident;
  language: NoticeLanguage;
  contactName: string;
  number: number;
  message: string;
  processor: ProcessorConfig;
}

export function followUpMail(input: FollowUpInput): MailText {
  const w = WORDS[input.language];
  const processorName = input.processor.name ?? 'koppel';
  const text = [
    w.greeting(input.contactName),
    '',
    w.followIntro(input.number, input.incident.id),
    '',
    input.message,
    '',
    `## ${w.contact}`,
    ...contactPoint(input.processor, input.language),
    '',
    w.closing,
    processorName,
  ].join('\n');
  return {
    subject: w.followSubject(input.number, processorName, input.incident.title, input.incident.id),
    text,
  };
}

function dataLines(incident: Incident, lang: NoticeLanguage): string[] {
  const w = WORDS[lang];
  const facts = incident.facts;
  if (!facts) return [`- ${UNKNOWN[lang].facts}`];
  const people =
    'count' in facts.people ? String(facts.people.count) : w.between(facts.people.min, facts.people.max);
  return [
    `${w.categories}: ${facts.data.join(', ')}`,
    ...(facts.specialCategories.length ? [`${w.special}: ${facts.specialCategories.join(', ')}`] : []),
    `${w.people}: ${people}`,
    ...(facts.people.categories.length ? [`${w.kinds}: ${facts.people.categories.join(', ')}`] : []),
  ];
}

/** Our DPO and the breach contacts from the configuration (processor.dpo, processor.breachContacts). */
export function contactPoint(processor: ProcessorConfig, lang: NoticeLanguage): string[] {
  const out: string[] = [];
  const dpo = processor.dpo;
  if (dpo && (dpo.name || dpo.email || dpo.phone))
    out.push(
      `${lang === 'nl' ? 'Functionaris gegevensbescherming' : 'Data protection officer'}: ${[dpo.name, dpo.email, dpo.phone].filter(Boolean).join(', ')}`,
    );
  for (const c of processor.breachContacts ?? [])
    out.push(`${[c.name, c.role].filter(Boolean).join(' (')}${c.role ? ')' : ''}: ${c.email}, ${c.phone}`);
  if (out.length === 0 && processor.email)
    out.push([processor.email, processor.phone].filter(Boolean).join(', '));
  return out.length ? out : [lang === 'nl' ? '(niet ingesteld: processor.dpo)' : '(not set: processor.dpo)'];
}
