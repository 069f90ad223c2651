import type { Block, Cell, RegisterDocument, Section } from '../../register/document.js';
import type { Incident } from '../incident-model.js';
import type { DocumentContext } from './document-context.js';
import { categoryTexts, consequenceTexts, natureTexts, peopleText, specialTexts } from './facts-labels.js';
import { formatNumber } from './format-time.js';
import {
  controllerDeadline,
  controllerName,
  list,
  moment,
  paragraphs,
  processorName,
  texts,
} from './shared.js';
import type { DocTexts } from './texts-en.js';
import { unknowns } from './unknowns.js';

/**
 * Our notice to a customer (the controller) of a breach in data we process for it (Art. 33(2)):
 * everything it needs for its own notification to the AP, its 72 hours counted from this notice.
 */
export function customerNotice(incident: Incident, ctx: DocumentContext): RegisterDocument {
  const t = texts(ctx);
  const c = t.customer;
  const controller = controllerName(ctx, incident) ?? '—';
  const facts = incident.facts;
  const gap: Cell = { gap: t.missing.facts };
  const deadline = controllerDeadline(ctx);
  const sections: Section[] = [
    {
      heading: c.nature,
      blocks: [
        {
          kind: 'fields',
          rows: [
            [c.title_, incident.title],
            [c.type, facts ? natureTexts(t, facts).join('; ') : gap],
            [c.cause, facts ? (t.cause[facts.cause] ?? facts.cause) : gap],
          ],
        },
        ...paragraphs(incident.summary),
      ],
    },
    {
      heading: c.when,
      blocks: [
        {
          kind: 'fields',
          rows: [
            [c.detected, moment(t, incident.detectedAt)],
            [c.aware, incident.awareAt === null ? { gap: c.notAware } : moment(t, incident.awareAt)],
            [c.notice, moment(t, ctx.now)],
          ],
        },
      ],
    },
    {
      heading: c.data,
      blocks: [
        {
          kind: 'fields',
          rows: [
            [c.categories, facts ? categoryTexts(t, facts).join('; ') : gap],
            [c.specialCategories, facts ? specialTexts(t, facts) : gap],
          ],
        },
      ],
    },
    {
      heading: c.numberOfPeople,
      blocks: [
        {
          kind: 'fields',
          rows: [
            [c.count, facts ? peopleText(t, facts.people) : gap],
            [c.kinds, facts && facts.people.categories.length > 0 ? facts.people.categories.join('; ') : gap],
            [c.vulnerable, facts ? (facts.people.vulnerable ? t.yes : t.no) : gap],
          ],
        },
      ],
    },
    {
      heading: c.consequences,
      blocks: [
        list(consequenceTexts(t, facts, incident.effects), { gap: t.missing.consequences }),
        ...(incident.assessment
          ? [
              {
                kind: 'fields',
                rows: [
                  [
                    c.severity,
                    `${t.severity[incident.assessment.severity.level]} (${formatNumber(incident.assessment.severity.score, t.lang)})`,
                  ],
                ],
              } satisfies Block,
            ]
          : []),
      ],
    },
    { heading: c.taken, blocks: [list(incident.measuresTaken, { gap: t.missing.taken })] },
    { heading: c.planned, blocks: [list(incident.measuresPlanned, { gap: t.missing.planned })] },
    { heading: c.unknowns, blocks: [list(unknowns(t, incident), c.nothingUnknown)] },
    { heading: c.assessment, blocks: assessmentBlocks(t, incident) },
    {
      heading: c.deadline,
      blocks: [
        { kind: 'paragraph', text: c.deadlineText(moment(t, deadline.due), moment(t, deadline.from)) },
        { kind: 'paragraph', text: c.apHelp },
      ],
    },
    { heading: c.contact, blocks: [contactFields(t, ctx)] },
  ];
  return {
    lang: t.lang,
    title: c.title,
    intro: [
      c.to(controller),
      c.informs(ctx.processor.name ?? '—'),
      c.reference(incident.id, moment(t, ctx.now)),
      c.phased,
    ],
    sections,
    footer: t.generated(moment(t, ctx.now), incident.id),
  };
}

function assessmentBlocks(t: DocTexts, incident: Incident): Block[] {
  const c = t.customer;
  const a = incident.assessment;
  if (!a) return [{ kind: 'paragraph', text: { gap: c.noAssessment } }];
  const blocks: Block[] = [
    {
      kind: 'fields',
      rows: [
        [c.recommendAuthority, a.notifyAuthority ? t.yes : t.no],
        [c.recommendSubjects, a.notifyDataSubjects ? t.yes : t.no],
      ],
    },
    { kind: 'list', items: a.reasons.map((r) => (t.lang === 'nl' ? r.nl : r.en)) },
  ];
  const decisions = incident.decisions.map((d) =>
    c.decision(d.topic, typeof d.value === 'boolean' ? (d.value ? t.yes : t.no) : d.value, d.reasoning),
  );
  if (decisions.length > 0) blocks.push({ kind: 'list', items: decisions });
  return blocks;
}

/** Our contact point: the DPO (Art. 33(3)(b)) and the first breach contact; names only here. */
function contactFields(t: DocTexts, ctx: DocumentContext): Block {
  const c = t.customer;
  const p = ctx.processor;
  const dpo = [p.dpo?.name, p.dpo?.email, p.dpo?.phone].filter(Boolean).join(', ');
  const rows: Array<[string, Cell]> = [
    [c.organisation, processorName(ctx)],
    [c.dpo, dpo || { gap: t.notConfigured('processor.dpo') }],
  ];
  const first = p.breachContacts?.[0];
  if (first)
    rows.push([
      c.breachContact,
      [first.name, first.role, first.email, first.phone].filter(Boolean).join(', '),
    ]);
  if (p.email) rows.push([c.email, p.email]);
  if (p.phone) rows.push([c.phone, p.phone]);
  return { kind: 'fields', rows };
}
