import type { ProcessorConfig } from '../../config/config-schema.js';
import type { Language } from '../../register/texts.js';
import type { Deadline } from '../incident-model.js';

/**
 * Everything an incident document needs besides the incident itself. The builders are pure: the
 * caller (CLI, API) gathers this from the configuration, the tenant store and the register.
 */
export interface DocumentContext {
  /** Our own details as processor (config.processor): name, address, DPO contact point, breach contacts. */
  processor: ProcessorConfig;
  /** The customer (controller) the document is for; null where koppel's operator is the controller. */
  tenant: TenantDetails | null;
  /** The incident's deadlines, as the register computes them (Deadline[] of incident-model.ts). */
  deadlines: readonly Deadline[];
  /** The moment the document is made (from the injected clock). */
  now: number;
  lang: Language;
}

export interface TenantDetails {
  id: string;
  /** The tenant's display name in koppel. */
  name: string;
  /** The controller's own details, once recorded (`koppel tenant contacts`); null when not yet. */
  controller: ControllerDetails | null;
}

/** What the documents use of a controller's details; kept small so any store of them can supply it. */
export interface ControllerDetails {
  legalName?: string;
  address?: string;
  /** Chamber of Commerce (KvK) number. */
  kvk?: string;
  /** The controller's own FG / privacy contact point. */
  privacyContact?: { name?: string; email?: string; phone?: string };
}

/** The period a DPO review covers: [from, to) in ms since the epoch. */
export interface ReviewPeriod {
  from: number;
  to: number;
}

export const DOCUMENT_KINDS = ['customer-notice', 'ap-sheet', 'subject-notice', 'dpo-review'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_FORMATS = ['md', 'html', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
