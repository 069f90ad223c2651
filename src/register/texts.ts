import type {
  DataSubjectCategory,
  MeasureId,
  MeasureStatus,
  ProcessingActivity,
  SecurityMeasure,
} from './register-model.js';
import { en } from './texts-en.js';
import { nl } from './texts-nl.js';

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

type Facts = SecurityMeasure['facts'];

/**
 * Every sentence of the register and the Data Pro Statement, one module per language. Sentences that
 * carry values are functions, so the value sits where the language wants it.
 */
export interface Texts {
  lang: Language;
  notConfigured: (path: string) => string;
  none: string;
  yes: string;
  no: string;
  generated: (at: string, hash: string) => string;
  fields: {
    name: string;
    address: string;
    registration: string;
    email: string;
    phone: string;
    dpo: string;
    role: string;
    id: string;
    status: string;
    definition: string;
    scope: string;
    categories: string;
    activities: string;
    systems: string;
    lifecycle: string;
    contact: string;
    service: string;
    location: string;
    country: string;
    engagedBy: string;
    safeguard: string;
    recipient: string;
    measure: string;
  };
  controllerStatus: Record<'active' | 'paused', string>;
  definitionSource: Record<'stored' | 'default', string>;
  scope: (kind: string, detail: string | null) => string;
  activity: Record<ProcessingActivity, string>;
  lifecycleAction: (action: string) => string;
  lifecycle: (onDelete: string, onDeactivate: string, onDoNotBulkEmail: string) => string;
  systems: (dataverse: string | null, mailplus: string | null) => string;
  controllerContactGap: string;
  subject: Record<DataSubjectCategory, string>;
  engagedBy: Record<'processor' | 'controller', string>;
  measureStatus: Record<MeasureStatus, string>;
  measure: Record<MeasureId, (facts: Facts) => string>;
  retention: {
    payloads: string;
    deadLetters: (days: number) => string;
    duplicates: (seconds: number) => string;
    logs: (days: number) => string;
    audit: (days: number) => string;
    logStdout: string;
    offboarding: (days: number) => string;
    hashes: string;
  };
  register: {
    title: string;
    intro: string;
    processorHeading: string;
    controllersHeading: string;
    controllersIntro: string;
    noControllers: string;
    categoriesHeading: string;
    categoriesIntro: string;
    subjectsHeading: string;
    transfersHeading: string;
    noTransfers: string;
    transfersUnknown: string;
    subProcessorsHeading: string;
    noSubProcessors: string;
    hostingLabel: string;
    retentionHeading: string;
    securityHeading: string;
    breachHeading: string;
    breachPromise: (hours: number) => string;
    missingHeading: string;
    missingIntro: string;
    complete: string;
  };
  statement: {
    title: string;
    preamble: string;
    processorHeading: string;
    processorQueries: string;
    effectiveHeading: string;
    effectiveDate: (date: string) => string;
    revisions: (hash: string) => string;
    scopeHeading: string;
    scopeText: (controllers: number) => string;
    descriptionHeading: string;
    description: string;
    intendedUse: string;
    dataTypes: string;
    notDesignedFor: string;
    privacyByDesign: string;
    clausesHeading: string;
    clauses: string;
    locationHeading: string;
    location: (place: string, country: string) => string;
    subProcessorsHeading: string;
    subProcessorsChange: string;
    controllerSuppliers: string;
    rightsHeading: string;
    rights: string;
    rightsLifecycle: string;
    retentionHeading: string;
    retentionEnd: (days: number) => string;
    securityHeading: string;
    certificationsLabel: string;
    breachHeading: string;
    breachTime: (hours: number) => string;
    breachChannels: string;
    breachContent: string[];
    breachRole: string;
    breachContactsLabel: string;
  };
}

export function textsFor(lang: Language): Texts {
  return lang === 'nl' ? nl : en;
}
