import type { DATA_CATEGORIES, IncidentFacts, SPECIAL_CATEGORIES } from '../facts-schema.js';
import { formatNumber } from './format-time.js';
import type { DocTexts } from './texts-en.js';

export type DataCategory = (typeof DATA_CATEGORIES)[number];
export type SpecialCategory = (typeof SPECIAL_CATEGORIES)[number];

/** "1.250 people" or "between 100 and 500 people", in the document's language. */
export function peopleText(t: DocTexts, people: IncidentFacts['people']): string {
  return 'count' in people
    ? t.people.count(formatNumber(people.count, t.lang))
    : t.people.range(formatNumber(people.min, t.lang), formatNumber(people.max, t.lang));
}

/** The kinds of breach (confidentiality, integrity, availability) the facts name; "none" ones left out. */
export function natureTexts(t: DocTexts, facts: IncidentFacts): string[] {
  const out: string[] = [];
  if (facts.confidentiality !== 'none') out.push(t.confidentiality[facts.confidentiality] ?? '');
  if (facts.integrity !== 'none') out.push(t.integrity[facts.integrity] ?? '');
  if (facts.availability !== 'none') out.push(t.availability[facts.availability] ?? '');
  return out.length > 0 ? out : [t.confidentiality.none ?? ''];
}

export function categoryTexts(t: DocTexts, facts: IncidentFacts): string[] {
  return facts.data.map((c) => t.data[c]);
}

export function specialTexts(t: DocTexts, facts: IncidentFacts): string {
  return facts.specialCategories.length > 0
    ? facts.specialCategories.map((c) => t.special[c]).join(', ')
    : t.none;
}

/** Likely consequences for the people: what was established, then what the data categories imply. */
export function consequenceTexts(t: DocTexts, facts: IncidentFacts | null, effects: string): string[] {
  const out = effects.trim() ? [effects.trim()] : [];
  if (!facts) return out;
  for (const c of facts.data) if (t.consequence[c]) out.push(t.consequence[c]);
  if (facts.integrity !== 'none') out.push(t.consequenceIntegrity);
  if (facts.availability === 'temporary' || facts.availability === 'permanent')
    out.push(t.consequenceAvailability);
  return out;
}

export function protectionText(t: DocTexts, facts: IncidentFacts): string {
  const p = facts.protection;
  if (p.state === 'none') return t.protection.none;
  return [
    t.protection[p.state],
    p.stateOfTheArt ? t.protection.stateOfTheArt : t.protection.notStateOfTheArt,
    p.keyCompromised ? t.protection.keyCompromised : t.protection.keySafe,
  ].join('; ');
}
