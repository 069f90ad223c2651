import type { Cell, RegisterDocument } from '../../register/document.js';
import type { Incident } from '../incident-model.js';
import type { DocumentContext } from './document-context.js';
import {
  categoryTexts,
  consequenceTexts,
  natureTexts,
  peopleText,
  protectionText,
  specialTexts,
} from './facts-labels.js';
import { formatNumber } from './format-time.js';
import { controllerDeadline, controllerName, moment, texts } from './shared.js';
import type { DocTexts } from './texts-en.js';

/**
 * The preparation sheet for the AP's online notification form (it has no API: a person submits),
 * following the form's chapters. Each answer says where it comes from: recorded in the register,
 * derived by koppel from what is recorded (to be checked), or missing (what to fill in).
 */
export type AnswerStatus = 'recorded' | 'derived' | 'missing';

export interface ApAnswer {
  question: string;
  status: AnswerStatus;
  /** The answer; for a missing one, what to fill in. */
  value: string;
}

export const AP_CHAPTERS = [
  'about',
  'contact',
  'timeline',
  'details',
  'data',
  'people',
  'before',
  'consequences',
  'followUp',
  'international',
  'other',
] as const;
export type ApChapterId = (typeof AP_CHAPTERS)[number];

export interface ApChapter {
  id: ApChapterId;
  heading: string;
  answers: ApAnswer[];
}

const recorded = (question: string, value: string): ApAnswer => ({ question, status: 'recorded', value });
const derived = (question: string, value: string): ApAnswer => ({ question, status: 'derived', value });
const missing = (question: string, value: string): ApAnswer => ({ question, status: 'missing', value });
/** Recorded when there is a value, else missing with what to fill in. */
const either = (question: string, value: string | null | undefined, fill: string): ApAnswer =>
  value ? recorded(question, value) : missing(question, fill);

export function apSheetChapters(incident: Incident, ctx: DocumentContext): ApChapter[] {
  const t = texts(ctx);
  const q = t.ap.q;
  const f = incident.facts;
  const answers: Record<ApChapterId, ApAnswer[]> = {
    about: [derived(q.kind, q.newNotification), derived(q.bulk, q.bulkNo), derived(q.law, q.lawGdpr)],
    contact: contactAnswers(t, incident, ctx),
    timeline: timelineAnswers(t, incident, ctx),
    details: [
      f ? derived(q.nature, natureTexts(t, f).join('; ')) : missing(q.nature, t.missing.facts),
      f?.cause === 'malicious-external' ? derived(q.type, q.typeHacking) : missing(q.type, q.fillType),
      either(q.summary, [incident.title, incident.summary].filter(Boolean).join(': '), q.fillSummary),
    ],
    data: f
      ? [
          recorded(q.categories, categoryTexts(t, f).join('; ')),
          derived(q.bsn, f.data.includes('national-id') || f.data.includes('criminal') ? t.yes : t.no),
          recorded(q.special, specialTexts(t, f)),
          derived(
            q.records,
            q.recordsDerived(
              'count' in f.people ? formatNumber(f.people.count, t.lang) : peopleText(t, f.people),
            ),
          ),
        ]
      : [
          missing(q.categories, t.missing.facts),
          missing(q.bsn, t.missing.facts),
          missing(q.special, t.missing.facts),
          missing(q.records, q.fillRecords),
        ],
    people: f
      ? [
          either(q.kinds, f.people.categories.join('; '), q.fillKinds),
          recorded(q.vulnerable, f.people.vulnerable ? t.yes : t.no),
          recorded(q.number, peopleText(t, f.people)),
        ]
      : [
          missing(q.kinds, q.fillKinds),
          missing(q.vulnerable, t.missing.facts),
          missing(q.number, q.fillNumber),
        ],
    before: [f ? recorded(q.protected, protectionText(t, f)) : missing(q.protected, q.fillProtected)],
    consequences: [
      f ? derived(q.cia, natureTexts(t, f).join('; ')) : missing(q.cia, t.missing.facts),
      incident.effects.trim()
        ? recorded(q.damage, incident.effects.trim())
        : f
          ? derived(q.damage, consequenceTexts(t, f, '').join(' '))
          : missing(q.damage, q.fillDamage),
      incident.assessment
        ? derived(
            q.severityQ,
            q.severityA(
              t.severity[incident.assessment.severity.level] ?? incident.assessment.severity.level,
              formatNumber(incident.assessment.severity.score, t.lang),
            ),
          )
        : missing(q.severityQ, q.fillSeverity),
    ],
    followUp: [
      informAnswer(t, incident),
      incident.measuresTaken.length + incident.measuresPlanned.length > 0
        ? recorded(q.measures, [...incident.measuresTaken, ...incident.measuresPlanned].join('; '))
        : missing(q.measures, q.fillMeasures),
    ],
    international: [
      missing(q.crossBorder, q.fillCrossBorder),
      missing(q.otherAuthorities, q.fillOtherAuthorities),
    ],
    other: [derived(q.otherText, q.otherReference(incident.id, ctx.processor.name ?? '—'))],
  };
  return AP_CHAPTERS.map((id) => ({ id, heading: t.ap.chapters[id], answers: answers[id] }));
}

function contactAnswers(t: DocTexts, incident: Incident, ctx: DocumentContext): ApAnswer[] {
  const q = t.ap.q;
  const own = ctx.tenant === null && incident.operatorIsController;
  const c = ctx.tenant?.controller;
  const name = own ? ctx.processor.name : c?.legalName;
  const address = own ? ctx.processor.address : c?.address;
  const organisation = name && address ? `${name}, ${address}` : null;
  const pc = own ? ctx.processor.dpo : c?.privacyContact;
  const dpo = [pc?.name, pc?.email, pc?.phone].filter(Boolean).join(', ');
  const out = [
    either(q.organisation, organisation, q.fillOrganisation),
    either(q.kvk, own ? ctx.processor.registration : c?.kvk, q.fillKvk),
    missing(q.sector, q.fillSector),
    missing(q.reporter, q.fillReporter),
    either(q.dpo, dpo, q.fillDpo),
  ];
  if (!own) out.push(derived(q.otherOrg, q.otherOrgYes(ctx.processor.name ?? '—')));
  return out;
}

function timelineAnswers(t: DocTexts, incident: Incident, ctx: DocumentContext): ApAnswer[] {
  const q = t.ap.q;
  const deadline = controllerDeadline(ctx);
  const informed = ctx.deadlines.some(
    (d) => d.name === 'controller-authority' && d.tenantId === ctx.tenant?.id,
  );
  const out: ApAnswer[] = [
    incident.signal
      ? derived(q.start, q.signalStart(moment(t, incident.signal.firstAt)))
      : missing(q.start, q.fillStart),
    incident.state === 'closed' ? derived(q.ongoing, q.ongoingNo) : missing(q.ongoing, q.fillOngoing),
    recorded(q.discovered, moment(t, incident.detectedAt)),
  ];
  if (ctx.tenant) {
    out.push(informed ? recorded(q.youAware, moment(t, deadline.from)) : missing(q.youAware, q.fillYouAware));
    if (incident.awareAt !== null) out.push(recorded(q.processorAware, moment(t, incident.awareAt)));
  } else if (incident.awareAt !== null) out.push(recorded(q.processorAware, moment(t, incident.awareAt)));
  out.push(
    incident.signal
      ? derived(q.how, q.howSignal(incident.signal.kind, incident.signal.count))
      : derived(q.how, q.howReported(incident.reportedBy)),
  );
  // Past the 72 hours a notification made now must give the reasons for the delay (Art. 33(1)). The
  // register's "met" means the customer acknowledged our notice in time, not that it filed with the AP.
  const late = ctx.now > deadline.due;
  if (!late) out.push(derived(q.delay, q.delayNotYet(moment(t, deadline.due))));
  else
    out.push(
      incident.delayReasons.length > 0
        ? recorded(q.delay, incident.delayReasons.join('; '))
        : missing(q.delay, q.fillDelay),
    );
  return out;
}

function informAnswer(t: DocTexts, incident: Incident): ApAnswer {
  const q = t.ap.q;
  const decision = incident.decisions.findLast((d) => d.topic === 'notify-data-subjects');
  if (decision) {
    const value =
      typeof decision.value === 'boolean' ? (decision.value ? q.informYes : q.informNo) : decision.value;
    return recorded(q.inform, q.informDecided(value, decision.reasoning));
  }
  if (incident.assessment)
    return derived(
      q.inform,
      q.informRecommended(incident.assessment.notifyDataSubjects ? q.informYes : q.informNo),
    );
  return missing(q.inform, q.fillInform);
}

export function apSheet(incident: Incident, ctx: DocumentContext): RegisterDocument {
  const t = texts(ctx);
  const label = t.ap.statusLabel;
  const chapters = apSheetChapters(incident, ctx);
  return {
    lang: t.lang,
    title: t.ap.title,
    intro: [t.ap.intro(controllerName(ctx, incident) ?? '—'), t.ap.legend],
    sections: chapters.map((chapter) => ({
      heading: chapter.heading,
      blocks: [
        {
          kind: 'table',
          headers: [t.ap.question, t.ap.answer, t.ap.status],
          rows: chapter.answers.map((a): Cell[] => [
            a.question,
            a.status === 'missing' ? { gap: a.value } : a.value,
            label[a.status] ?? a.status,
          ]),
        },
      ],
    })),
    footer: t.generated(moment(t, ctx.now), incident.id),
  };
}
