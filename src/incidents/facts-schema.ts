import { z } from 'zod';

/**
 * The structured facts of an incident, from which the risk assessment is made (assess.ts). The names and
 * values follow the issue's contract; docs/incident-facts.schema.json is generated from this schema.
 * Only categories and counts: never personal data of the people concerned.
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

const count = z.number().int('must be a whole number').min(0, 'must be 0 or more');

const aboutPeople = {
  vulnerable: z.boolean().default(false),
  /** Free list of kinds of people, e.g. "newsletter subscribers", "customers' staff". */
  categories: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
};

/** An exact count, or a range when only that is known. */
const people = z.union([
  z.strictObject({ count, ...aboutPeople }),
  z
    .strictObject({ min: count, max: count, ...aboutPeople })
    .refine((p) => p.min <= p.max, { message: 'min must be at most max', path: ['min'] }),
]);

export const incidentFactsSchema = z
  .strictObject({
    confidentiality: z.enum([
      'none',
      'exposed-no-evidence-of-access',
      'known-recipients',
      'unknown-recipients',
    ]),
    integrity: z.enum(['none', 'altered-not-used', 'altered-recoverable', 'altered-unrecoverable']),
    availability: z.enum(['none', 'restored-without-difficulty', 'temporary', 'permanent']),
    /** How long the data were (or are expected to be) unavailable. */
    unavailableHours: z.number().min(0, 'must be 0 or more').optional(),
    /** What unavailability means for the people concerned. */
    availabilityImpact: z.enum(['none', 'inconvenience', 'significant', 'critical']).default('none'),
    cause: z.enum(['malicious-external', 'malicious-internal', 'accidental', 'system-fault', 'unknown']),
    data: z.array(z.enum(DATA_CATEGORIES)).min(1, 'must name at least one data category'),
    specialCategories: z.array(z.enum(SPECIAL_CATEGORIES)).default([]),
    people,
    identifiability: z.enum(['negligible', 'limited', 'significant', 'maximum']),
    protection: z.strictObject({
      state: z.enum(['none', 'encrypted', 'hashed', 'pseudonymised']),
      stateOfTheArt: z.boolean().default(false),
      keyCompromised: z.boolean().default(false),
    }),
    recipient: z.strictObject({
      kind: z.enum(['none', 'trusted', 'untrusted', 'unknown', 'public']),
      confirmedDeleted: z.boolean().default(false),
    }),
    exfiltration: z.enum(['ruled-out', 'possible', 'confirmed', 'not-applicable']),
    backupAvailable: z.boolean().default(false),
  })
  .superRefine((facts, ctx) => {
    if (facts.specialCategories.length > 0 && !facts.data.includes('special-category'))
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: 'must include "special-category" when specialCategories are named',
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

/** What `koppel incidents assess` prints (reasons there as strings in one language). */
export interface Assessment {
  severity: { score: number; level: SeverityLevel };
  notifyAuthority: boolean;
  notifyDataSubjects: boolean;
  reasons: AssessmentReason[];
}
