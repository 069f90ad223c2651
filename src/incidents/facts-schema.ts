import { z } from 'zod';

/**
 * The structured facts of an incident, from which the risk assessment is made (assess.ts). The names and
 * values follow the issue's contract; docs/incident-facts.schema.json is generated from this schema
 * (`npm run schema:facts`) and docs/incident-facts.md explains every field.
 * Only categories and counts: never personal data of the people concerned.
 *
 * Every message is written to be read after the field's path, e.g. `people.count: must be a whole
 * number` (see facts-issues.ts, which also turns the `people` union into one readable line).
 */
export const DATA_CATEGORIES = [
  'name',
  'contact',
  'date-of-birth',
  'national-id',
  'identity-document',
  'financial',
  'payment-card',
  'credentials',
  'location',
  'behavioural',
  'communication-content',
  'special-category',
  'criminal',
  'professional',
  'other',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export const SPECIAL_CATEGORIES = [
  'health',
  'genetic',
  'biometric',
  'racial-ethnic',
  'political',
  'religious',
  'trade-union',
  'sex-life',
] as const;

export const CONFIDENTIALITY = [
  'none',
  'exposed-no-evidence-of-access',
  'known-recipients',
  'unknown-recipients',
] as const;
export const INTEGRITY = [
  'none',
  'altered-not-used',
  'altered-recoverable',
  'altered-unrecoverable',
] as const;
export const AVAILABILITY = ['none', 'restored-without-difficulty', 'temporary', 'permanent'] as const;
export const AVAILABILITY_IMPACT = ['none', 'inconvenience', 'significant', 'critical'] as const;
export const CAUSES = [
  'malicious-external',
  'malicious-internal',
  'accidental',
  'system-fault',
  'unknown',
] as const;
export const IDENTIFIABILITY = ['negligible', 'limited', 'significant', 'maximum'] as const;
export const PROTECTION_STATES = ['none', 'encrypted', 'hashed', 'pseudonymised'] as const;
export const RECIPIENT_KINDS = ['none', 'trusted', 'untrusted', 'unknown', 'public'] as const;
export const EXFILTRATION = ['ruled-out', 'possible', 'confirmed', 'not-applicable'] as const;

/** A missing field says "is required"; a wrong one names what it must be. */
const required = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: required(`one of ${values.join(', ')}`) });
}

const bool = () => z.boolean({ error: required('true or false') });

const count = z
  .number({ error: required('a number') })
  .int('must be a whole number')
  .min(0, 'must be 0 or more');

const aboutPeople = {
  /** Children or other people in a vulnerable position (EDPB 9/2022 §IV: special characteristics). */
  vulnerable: bool().default(false),
  /** Free list of kinds of people, e.g. "newsletter subscribers", "customers' staff". */
  categories: z
    .array(
      z
        .string({ error: required('a text') })
        .trim()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters'),
      {
        error: required('a list of texts'),
      },
    )
    .max(20, 'must name at most 20 kinds of people')
    .default([]),
};

/** An exact count, or a range when only that is known. */
export const peopleSchema = z.union([
  z.strictObject({ count, ...aboutPeople }),
  z
    .strictObject({ min: count, max: count, ...aboutPeople })
    .refine((p) => p.min <= p.max, { message: 'must be at most max', path: ['min'] }),
]);

/**
 * A contextual correction of the ENISA data-processing-context score of one data category (ENISA 2013,
 * Assessment Table 1 and "A2 contextual factors"): e.g. +2 for a customer list whose segment reveals a
 * health condition, -1 for data that were public before the breach. Always with the reason, so the
 * DPO's assessment can be audited.
 */
const dpcAdjustment = z.strictObject({
  category: oneOf(DATA_CATEGORIES),
  by: z
    .number({ error: required('a whole number from -3 to 3') })
    .int('must be a whole number from -3 to 3')
    .min(-3, 'must be -3 or more')
    .max(3, 'must be 3 or less'),
  reason: z
    .string({ error: required('a text') })
    .trim()
    .min(1, 'must say why')
    .max(500, 'must be at most 500 characters'),
});

export const incidentFactsSchema = z
  .strictObject(
    {
      confidentiality: oneOf(CONFIDENTIALITY).meta({
        description: 'Loss of confidentiality: who could see the data (ENISA: 0 / 0 / 0.25 / 0.5).',
      }),
      integrity: oneOf(INTEGRITY).meta({
        description: 'Loss of integrity: were data altered, used, recovered (ENISA: 0 / 0 / 0.25 / 0.5).',
      }),
      availability: oneOf(AVAILABILITY).meta({
        description: 'Loss of availability (ENISA: 0 / 0 / 0.25 / 0.5).',
      }),
      /** How long the data were (or are expected to be) unavailable. */
      unavailableHours: z
        .number({ error: required('a number of hours') })
        .min(0, 'must be 0 or more')
        .optional()
        .meta({ description: 'How long the data were (or are expected to be) unavailable, in hours.' }),
      /** What unavailability means for the people concerned. */
      availabilityImpact: oneOf(AVAILABILITY_IMPACT).default('none').meta({
        description: 'What the unavailability means for the people, e.g. critical = delayed medical care.',
      }),
      cause: oneOf(CAUSES).meta({ description: 'What caused the breach; malicious causes add 0.5 (ENISA).' }),
      data: z
        .array(oneOf(DATA_CATEGORIES), { error: required('a list of data categories') })
        .min(1, 'must name at least one data category')
        .meta({ description: 'The categories of personal data involved (ENISA data processing context).' }),
      specialCategories: z
        .array(oneOf(SPECIAL_CATEGORIES), { error: required('a list of special categories') })
        .default([])
        .meta({ description: 'Which special categories (Art. 9 GDPR); needs "special-category" in data.' }),
      people: peopleSchema.meta({
        description: 'How many people: {count} or, when only a range is known, {min, max}.',
      }),
      identifiability: oneOf(IDENTIFIABILITY).meta({
        description: 'Ease of identification of the people from the data (ENISA: 0.25 / 0.5 / 0.75 / 1).',
      }),
      protection: z
        .strictObject(
          {
            state: oneOf(PROTECTION_STATES),
            stateOfTheArt: bool().default(false),
            keyCompromised: bool().default(false),
          },
          { error: required('an object {state, stateOfTheArt, keyCompromised}') },
        )
        .meta({
          description:
            'How the data were protected; only state-of-the-art encryption or hashing with a safe key makes them unintelligible.',
        }),
      recipient: z
        .strictObject(
          {
            kind: oneOf(RECIPIENT_KINDS),
            confirmedDeleted: bool().default(false),
          },
          { error: required('an object {kind, confirmedDeleted}') },
        )
        .meta({
          description: 'Who received the data, and whether a trusted recipient confirmed deleting them.',
        }),
      exfiltration: oneOf(EXFILTRATION).meta({
        description:
          'Whether data were copied out of our systems (a stolen device: confirmed; a lost one: possible).',
      }),
      backupAvailable: bool()
        .default(false)
        .meta({ description: 'Whether a backup exists from which lost data can be restored.' }),
      dpcAdjustments: z
        .array(dpcAdjustment, { error: required('a list of {category, by, reason}') })
        .max(15, 'must have at most 15 entries')
        // Optional rather than defaulted: facts recorded before this field existed stay valid as typed.
        .optional()
        .meta({
          description:
            "The DPO's contextual corrections of the ENISA score of a data category, each with its reason.",
        }),
    },
    { error: required('a JSON object') },
  )
  .superRefine((facts, ctx) => {
    if (facts.specialCategories.length > 0 && !facts.data.includes('special-category'))
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: 'must include "special-category" when specialCategories are named',
      });
    // Data that may have been taken were exposed: "none" here would hide the confidentiality loss
    // from both the ENISA score and the EDPB criteria.
    if (
      facts.confidentiality === 'none' &&
      (facts.exfiltration === 'possible' || facts.exfiltration === 'confirmed')
    )
      ctx.addIssue({
        code: 'custom',
        path: ['confidentiality'],
        message: `must not be none when exfiltration is ${facts.exfiltration} (data that may have been taken were exposed)`,
      });
    (facts.dpcAdjustments ?? []).forEach((adjustment, i) => {
      if (!facts.data.includes(adjustment.category))
        ctx.addIssue({
          code: 'custom',
          path: ['dpcAdjustments', i, 'category'],
          message: `must be one of the categories in data (${facts.data.join(', ')})`,
        });
    });
  });

export type IncidentFacts = z.infer<typeof incidentFactsSchema>;
export type IncidentFactsInput = z.input<typeof incidentFactsSchema>;

export const SEVERITY_LEVELS = ['low', 'medium', 'high', 'very high'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/** One reason for the recommendation, in plain words in both languages. */
export interface AssessmentReason {
  /** A stable code, e.g. 'special-categories', 'encrypted-key-safe'. */
  code: string;
  nl: string;
  en: string;
}

/** The parts of the ENISA score, kept so the DPO's assessment can be checked (breach.md §4.6). */
export interface EnisaBreakdown {
  method: 'ENISA 2013 v1.0';
  /** Data processing context, 1..4 (the highest category after adjustments). */
  dpc: number;
  /** Ease of identification, 0.25..1. */
  ei: number;
  /** Circumstances of the breach, 0..2. */
  cb: number;
}

/** What `koppel incidents assess` prints (reasons there as strings in one language). */
export interface Assessment {
  severity: { score: number; level: SeverityLevel };
  notifyAuthority: boolean;
  notifyDataSubjects: boolean;
  reasons: AssessmentReason[];
  /** Optional so older recorded assessments stay valid; assess() always fills it. */
  enisa?: EnisaBreakdown;
}
