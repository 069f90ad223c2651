import type { Cell, RegisterDocument } from '../../register/document.js';
import type { Language } from '../../register/texts.js';
import type { Deadline, Incident } from '../incident-model.js';
import type { ReviewPeriod } from './document-context.js';
import { formatDay, formatMoment, formatSpan } from './format-time.js';
import { textsFor } from './texts.js';
import type { DocTexts } from './texts-en.js';

export interface ReviewContext {
  period: ReviewPeriod;
  now: number;
  lang: Language;
  /** The deadlines of one incident, as the register computes them. */
  deadlines: (incident: Incident) => readonly Deadline[];
}

/** An incident belongs to a period when it was open at any moment in it: reported before its end, not closed before its start. */
export function inPeriod(incident: Incident, period: ReviewPeriod): boolean {
  const end = incident.closedAt ?? Number.POSITIVE_INFINITY;
  return incident.reportedAt < period.to && end >= period.from;
}

const DONE = new Set(['closed', 'not-a-breach']);
const CONFIRMED = new Set([
  'breach-confirmed',
  'assessment',
  'informing-customers',
  'customers-informed',
  'follow-up',
  'closed',
]);

/** The DPO's periodic review: every incident of the period, its times against the deadlines, and what is still open. */
export function dpoReview(all: readonly Incident[], ctx: ReviewContext): RegisterDocument {
  const t = textsFor(ctx.lang);
  const r = t.review;
  const m = (ms: number) => formatMoment(ms, t.lang);
  const incidents = all.filter((i) => inPeriod(i, ctx.period)).sort((a, b) => a.reportedAt - b.reportedAt);
  const deadlines = incidents.flatMap((i) => ctx.deadlines(i).map((d) => ({ incident: i, d })));
  const openAtEnd = incidents.filter(
    (i) => !DONE.has(i.state) || (i.closedAt !== null && i.closedAt >= ctx.period.to),
  );
  const actions = incidents.flatMap((i) => openActions(t, i, ctx.deadlines(i)).map((a): Cell[] => [i.id, a]));
  return {
    lang: t.lang,
    title: r.title,
    intro: [r.intro(formatDay(ctx.period.from, t.lang), formatDay(ctx.period.to, t.lang))],
    sections: [
      {
        heading: r.summary,
        blocks: [
          {
            kind: 'fields',
            rows: [
              [r.incidents, String(incidents.length)],
              [r.breaches, String(incidents.filter((i) => CONFIRMED.has(i.state)).length)],
              [r.notBreaches, String(incidents.filter((i) => i.state === 'not-a-breach').length)],
              [r.stillOpen, String(openAtEnd.length)],
              [r.missed, String(deadlines.filter(({ d }) => d.state === 'missed').length)],
            ],
          },
        ],
      },
      {
        heading: r.list,
        blocks: [
          incidents.length === 0
            ? { kind: 'paragraph', text: r.noIncidents }
            : {
                kind: 'table',
                headers: [r.id, r.title_, r.state, r.detected, r.aware, r.toAware, r.severity],
                rows: incidents.map((i) => [
                  i.id,
                  i.title,
                  t.state[i.state] ?? i.state,
                  m(i.detectedAt),
                  i.awareAt === null ? '—' : m(i.awareAt),
                  i.awareAt === null ? '—' : formatSpan(i.awareAt - i.detectedAt),
                  i.assessment ? (t.severity[i.assessment.severity.level] ?? '') : '—',
                ]),
              },
        ],
      },
      {
        heading: r.deadlines,
        blocks: [
          deadlines.length === 0
            ? { kind: 'paragraph', text: r.noDeadlines }
            : {
                kind: 'table',
                headers: [r.id, r.deadline, r.from, r.due, r.result],
                rows: deadlines.map(({ incident, d }) => [
                  incident.id,
                  `${t.deadline[d.name] ?? d.name}${d.tenantId ? ` (${d.tenantId})` : ''}`,
                  m(d.from),
                  m(d.due),
                  result(t, d, ctx.now),
                ]),
              },
        ],
      },
      {
        heading: r.actions,
        blocks: [
          actions.length === 0
            ? { kind: 'paragraph', text: r.noActions }
            : { kind: 'table', headers: [r.incident, r.action], rows: actions },
        ],
      },
    ],
    footer: t.generatedReview(m(ctx.now)),
  };
}

function result(t: DocTexts, d: Deadline, now: number): Cell {
  if (d.state === 'missed') return { gap: t.deadlineState.missed ?? d.state };
  if (d.state === 'met') return t.deadlineState.met ?? d.state;
  return now <= d.due
    ? t.review.left(formatSpan(d.due - now))
    : { gap: t.review.over(formatSpan(now - d.due)) };
}

/** What the DPO still has to see done: planned measures, and the answers the register lacks. */
export function openActions(t: DocTexts, incident: Incident, deadlines: readonly Deadline[]): string[] {
  const r = t.review;
  const out = incident.measuresPlanned.map((m) => r.plannedMeasure(m));
  if (incident.state === 'not-a-breach') return out;
  const breach = CONFIRMED.has(incident.state);
  if (!breach && incident.state !== 'closed') out.push(r.noAware);
  if (breach && incident.state !== 'closed') {
    if (!incident.facts) out.push(r.noFacts);
    if (!incident.assessment) out.push(r.noAssessment);
    if (!incident.decisions.some((d) => d.topic === 'notify-data-subjects')) out.push(r.noInformDecision);
    if (incident.state === 'follow-up' && !incident.lessonsLearned) out.push(r.noLessons);
  }
  // Our own missed deadlines need a reason; the customer's 72 hours are its own to explain.
  if (incident.delayReasons.length === 0)
    for (const d of deadlines.filter((x) => x.state === 'missed' && x.name !== 'controller-authority'))
      out.push(r.noDelayReason(t.deadline[d.name] ?? d.name));
  return out;
}
