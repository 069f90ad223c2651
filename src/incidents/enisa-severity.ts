import type { DataCategory, EnisaBreakdown, IncidentFacts, SeverityLevel } from './facts-schema.js';

/**
 * The ENISA severity of a personal-data breach: SE = DPC x EI + CB (ENISA, "Recommendations for a
 * methodology of the assessment of severity of personal data breaches", v1.0, December 2013; the
 * specification we follow is ../shared/research/breach.md §4). Pure: the same facts give the same score.
 *
 * The score is advice for the DPO, not the GDPR risk test itself; assess.ts combines it with the EDPB
 * criteria.
 */

/**
 * The basic DPC score of each of our data categories, from ENISA's four categories: simple 1,
 * behavioural 2, financial 3, sensitive 4 (breach.md §4.2). Where our category is finer than ENISA's,
 * the comment says which ENISA row and which fixed adjustment we applied, and why.
 */
const BASE_DPC: Record<Exclude<DataCategory, 'credentials'>, number> = {
  // Simple data: biographical data, contact details, full name, professional experience.
  name: 1,
  contact: 1,
  'date-of-birth': 1,
  professional: 1,
  other: 1,
  // Simple +1: a national id number or a copy of an identity document is what identity fraud is built
  // on; ENISA's +1 row for simple data ("allows some profiling or assumptions") is the nearest one.
  // Our choice; the DPO can correct it with dpcAdjustments.
  'national-id': 2,
  'identity-document': 2,
  // Behavioural data: location, traffic data, personal preferences and habits.
  location: 2,
  behavioural: 2,
  // Behavioural +1: the content of messages gives more insight into someone's private life than the
  // traffic data ENISA scores at 2 (ENISA's +1 row: "a profile of everyday life and habits").
  'communication-content': 3,
  // Financial data: income, transactions, bank statements.
  financial: 3,
  // Financial +1: "complete credit card data enabling fraud" is ENISA's own example of the 4 row.
  'payment-card': 4,
  // Sensitive data: the special categories of Art. 9; data about criminal convictions (Art. 10) are
  // treated the same, as the GDPR protects them as strictly.
  'special-category': 4,
  criminal: 4,
};

/** Ease of identification: a linear scale of four levels (ENISA 2013, breach.md §4.3). */
const EI: Record<IncidentFacts['identifiability'], number> = {
  negligible: 0.25,
  limited: 0.5,
  significant: 0.75,
  maximum: 1,
};

/** Circumstances of the breach, each element 0, 0.25 or 0.5 (ENISA 2013, breach.md §4.4). */
const CONFIDENTIALITY_CB: Record<IncidentFacts['confidentiality'], number> = {
  none: 0,
  // "Exposed to confidentiality risks without evidence of illegal processing" (a lost laptop): 0.
  'exposed-no-evidence-of-access': 0,
  'known-recipients': 0.25,
  'unknown-recipients': 0.5,
};
const INTEGRITY_CB: Record<IncidentFacts['integrity'], number> = {
  none: 0,
  // "Altered but no identified incorrect or illegal use (or recovered before use)": 0.
  'altered-not-used': 0,
  'altered-recoverable': 0.25,
  'altered-unrecoverable': 0.5,
};
const AVAILABILITY_CB: Record<IncidentFacts['availability'], number> = {
  none: 0,
  // "Recoverable without any difficulty (another copy exists)": 0.
  'restored-without-difficulty': 0,
  temporary: 0.25,
  permanent: 0.5,
};
const MALICIOUS_CB = 0.5;

export interface DpcPart {
  category: DataCategory;
  base: number;
  /** The sum of the adjustments (vulnerable people, dpcAdjustments), before clamping. */
  adjustment: number;
  score: number;
}

export interface EnisaSeverity extends EnisaBreakdown {
  score: number;
  level: SeverityLevel;
  /** The score of each data category; the highest one is the DPC. */
  parts: DpcPart[];
  /** The CB elements, so a reason can say where the points came from. */
  circumstances: { confidentiality: number; integrity: number; availability: number; malicious: number };
}

export function isMalicious(cause: IncidentFacts['cause']): boolean {
  return cause === 'malicious-external' || cause === 'malicious-internal';
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The DPC of each data category. ENISA: "credentials are not considered as a specific data category
 * and should be handled based on the type of data processed by the systems where they provide access
 * to" — so credentials take the highest score of the other data named (the data behind the login), and
 * the lowest basic score (1) when nothing else is named.
 */
export function dpcParts(facts: IncidentFacts): DpcPart[] {
  const others = facts.data.filter((c): c is Exclude<DataCategory, 'credentials'> => c !== 'credentials');
  const basic = (c: DataCategory) =>
    c === 'credentials' ? Math.max(1, ...others.map((o) => BASE_DPC[o])) : BASE_DPC[c];
  // ENISA's contextual factors: "special characteristics of the individuals" raise the score. Children
  // and other vulnerable people: +1 on every category, a conservative fixed step; a larger step (ENISA's
  // simple +3 "critical for their personal safety") needs the DPO's own adjustment with its reason.
  const vulnerable = facts.people.vulnerable ? 1 : 0;
  return [...new Set(facts.data)].map((category) => {
    const adjustment =
      vulnerable +
      (facts.dpcAdjustments ?? []).filter((a) => a.category === category).reduce((sum, a) => sum + a.by, 0);
    const base = basic(category);
    // "The DPC scoring of any data type can always vary from 1 to 4."
    return { category, base, adjustment, score: clamp(base + adjustment, 1, 4) };
  });
}

export function levelOf(score: number): SeverityLevel {
  // Bands: SE < 2 low, 2 <= SE < 3 medium, 3 <= SE < 4 high, SE >= 4 very high (breach.md §4.5).
  return score < 2 ? 'low' : score < 3 ? 'medium' : score < 4 ? 'high' : 'very high';
}

export function enisaSeverity(facts: IncidentFacts): EnisaSeverity {
  const parts = dpcParts(facts);
  // "If the data match more than one category, score each and take the highest."
  const dpc = Math.max(...parts.map((p) => p.score));
  const ei = EI[facts.identifiability];
  const circumstances = {
    confidentiality: CONFIDENTIALITY_CB[facts.confidentiality],
    integrity: INTEGRITY_CB[facts.integrity],
    availability: AVAILABILITY_CB[facts.availability],
    // Only a cause established as intentional adds; "unknown" does not (assess.ts says so in a reason).
    malicious: isMalicious(facts.cause) ? MALICIOUS_CB : 0,
  };
  // "The points obtained for each CB element are added": 0..2.
  const cb =
    circumstances.confidentiality +
    circumstances.integrity +
    circumstances.availability +
    circumstances.malicious;
  // All terms are multiples of 1/16, so the arithmetic is exact in binary floating point.
  const score = dpc * ei + cb;
  return { method: 'ENISA 2013 v1.0', dpc, ei, cb, score, level: levelOf(score), parts, circumstances };
}
