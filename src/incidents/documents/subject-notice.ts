import type { Block, Cell, RegisterDocument } from '../../register/document.js';
import type { Incident } from '../incident-model.js';
import type { DocumentContext } from './document-context.js';
import { categoryTexts } from './facts-labels.js';
import { controllerName, list, moment, paragraphs, texts } from './shared.js';
import type { DocTexts } from './texts-en.js';

/**
 * The controller's notice to the people concerned (Art. 34(2)), drafted in plain language: the
 * nature, a contact point, likely consequences, measures, and what they can do themselves, tailored
 * to the kinds of data. It names no person: the contact point is the controller's address and phone.
 */
export function subjectNotice(incident: Incident, ctx: DocumentContext): RegisterDocument {
  const t = texts(ctx);
  const s = t.subject;
  const name = controllerName(ctx, incident);
  const controller: Cell = name ?? { gap: s.fillController };
  const facts = incident.facts;
  const consequences = yourConsequences(t, incident);
  return {
    lang: t.lang,
    title: s.title,
    intro: [s.intro(name ?? '—')],
    sections: [
      {
        heading: s.nature,
        blocks: [
          ...paragraphs(incident.summary),
          ...plainNature(t, incident).map((text): Block => ({ kind: 'paragraph', text })),
          { kind: 'paragraph', text: s.when(moment(t, incident.detectedAt)) },
        ],
      },
      {
        heading: s.data,
        blocks: [list(facts ? categoryTexts(t, facts) : [], { gap: t.missing.facts })],
      },
      { heading: s.consequences, blocks: [list(consequences, s.noConsequence)] },
      {
        heading: s.measures,
        blocks: [list([...incident.measuresTaken, ...incident.measuresPlanned], { gap: t.missing.taken })],
      },
      { heading: s.advice, blocks: [{ kind: 'list', items: advice(t, incident) }] },
      {
        heading: s.contact,
        blocks: [
          { kind: 'paragraph', text: s.contactText(name ?? '—') },
          { kind: 'fields', rows: [[s.privacyContact, contactPoint(t, ctx)]] },
        ],
      },
    ],
    footer: typeof controller === 'string' ? s.signed(controller) : controller.gap,
  };
}

function plainNature(t: DocTexts, incident: Incident): string[] {
  const f = incident.facts;
  if (!f) return [];
  const plain = t.subject.plain;
  const out: string[] = [];
  if (f.confidentiality !== 'none' && plain[f.confidentiality]) out.push(plain[f.confidentiality] ?? '');
  if (f.integrity !== 'none') out.push(plain.altered ?? '');
  if (f.availability === 'permanent') out.push(plain.lost ?? '');
  else if (f.availability !== 'none') out.push(plain.unavailable ?? '');
  return out;
}

/** Likely consequences said to the people themselves, from the kinds of data and of breach. */
function yourConsequences(t: DocTexts, incident: Incident): string[] {
  const f = incident.facts;
  if (!f) return [];
  const out = f.data.map((c) => t.consequenceYou[c]).filter(Boolean);
  if (f.integrity !== 'none') out.push(t.consequenceYouIntegrity);
  if (f.availability === 'temporary' || f.availability === 'permanent')
    out.push(t.consequenceYouAvailability);
  return [...new Set(out)];
}

/** Advice for each kind of data involved, each sentence once, then where to turn. */
export function advice(t: DocTexts, incident: Incident): string[] {
  const sentences = (incident.facts?.data ?? []).map((c) => t.advice[c]).filter(Boolean);
  return [...new Set(sentences), t.adviceGeneral];
}

/** The controller's privacy contact point, without a person's name: an address and a phone number. */
function contactPoint(t: DocTexts, ctx: DocumentContext): Cell {
  const pc = ctx.tenant?.controller?.privacyContact ?? (ctx.tenant ? undefined : ctx.processor.dpo);
  const text = [pc?.email, pc?.phone].filter(Boolean).join(', ');
  return text || { gap: t.subject.fillContact };
}
