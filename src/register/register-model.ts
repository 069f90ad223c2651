import type { DataCategory } from '../sync/mapping/index.js';

/**
 * The processing register (Art. 30(2) GDPR) as data: what koppel's live configuration says, in no
 * language. Renderers turn it into Markdown or HTML in Dutch or English; `--format json` prints it.
 * A value that is not configured is null, and its configuration path is listed in `missing`.
 */
export interface ProcessingRegister {
  kind: 'koppel-processing-register';
  version: 1;
  generatedAt: string;
  /** SHA-256 over the configuration and the tenants' definitions this register was made from. */
  configHash: string;
  processor: ProcessorFacts;
  controllers: ControllerEntry[];
  /** The union of every listed controller's categories, in canonical order. */
  dataCategories: DataCategory[];
  dataSubjects: DataSubjectCategory[];
  subProcessors: SubProcessorEntry[] | null;
  hosting: { location: string | null; country: string | null };
  transfers: TransferEntry[];
  retention: RetentionFacts;
  security: SecurityMeasure[];
  breach: BreachFacts;
  /** Configuration paths whose absence leaves a gap in the register, e.g. `processor.dpo.email`. */
  missing: string[];
}

export interface ContactFacts {
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface ProcessorFacts extends ContactFacts {
  address: string | null;
  registration: string | null;
  dpo: ContactFacts;
  certifications: string[] | null;
  statementDate: string | null;
}

export type DataSubjectCategory = 'crm-contacts' | 'newsletter-subscribers';

export type ProcessingActivity =
  | 'read-dataverse'
  | 'write-mailplus'
  | 'read-mailplus'
  | 'write-dataverse'
  | 'queue'
  | 'change-detection'
  | 'lifecycle';

export interface ControllerEntry {
  id: string;
  name: string;
  status: 'active' | 'paused';
  /** 'stored' when the tenant has its own sync definition, 'default' when it uses the default mapping. */
  definition: 'stored' | 'default';
  categories: DataCategory[];
  scope: { kind: string; detail: string | null };
  activities: ProcessingActivity[];
  /** Hosts of the controller's own systems koppel connects to (from the tenant's settings). */
  systems: { dataverse: string | null; mailplus: string | null };
  /** What a delete, deactivation or "do not bulk e-mail" in Dataverse does in Mail+. */
  lifecycle: { onDelete: string; onDeactivate: string; onDoNotBulkEmail: string };
}

export interface SubProcessorEntry {
  name: string;
  service: string;
  location: string;
  country: string;
  engagedBy: 'processor' | 'controller';
  transferSafeguard: string | null;
}

export interface TransferEntry {
  /** Who receives the data outside the EEA: a sub-processor's name, or 'hosting'. */
  recipient: string;
  country: string;
  safeguard: string | null;
}

export interface RetentionFacts {
  deadLetterDays: number;
  logDays: number;
  /** Days audit entries of administrative actions are kept (server.auditRetentionDays). */
  auditDays: number;
  /** Logs also go to standard output, whose keeping is outside koppel's control. */
  logToStdout: boolean;
  duplicateWindowSeconds: number;
  /** The longest time between a contract's end and the deletion of its data. */
  offboardingMaxDays: number;
}

export type MeasureStatus = 'in-place' | 'attention' | 'planned';

export type MeasureId =
  | 'encryption-at-rest'
  | 'tenant-keys'
  | 'master-key'
  | 'key-rotation'
  | 'payload-deletion'
  | 'minimisation'
  | 'tls-systems'
  | 'tls-store'
  | 'status-api'
  | 'outbound-only'
  | 'pii-free-logs'
  | 'crypto-shredding'
  | 'doctor'
  | 'admin-access';

export interface SecurityMeasure {
  id: MeasureId;
  status: MeasureStatus;
  /** Values the sentence needs, all from the configuration or the store. */
  facts: Record<string, string | number | boolean | null>;
}

export interface BreachFacts {
  notificationHours: number;
  contacts: Array<{ name: string; role: string | null; email: string; phone: string }> | null;
}
