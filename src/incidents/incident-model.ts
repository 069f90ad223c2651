import type { Assessment, IncidentFacts } from './facts-schema.js';

/**
 * The breach (datalek) register's shared vocabulary: the states of the fixed workflow, the events an
 * incident's append-only history is made of, and the incident as derived from them. The register
 * (incident-register.ts) stores and derives; notifications, documents and signals read and append.
 */
export const INCIDENT_STATES = [
  'reported',
  'triage',
  'not-a-breach',
  'breach-confirmed',
  'assessment',
  'informing-customers',
  'customers-informed',
  'follow-up',
  'closed',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Who did something: an admin or the DPO by username, the shell (`cli:<user>`), or koppel itself. */
export interface Actor {
  actor: string;
  /** 'admin' | 'dpo' for an account; 'system' for koppel's own jobs and signals; 'cli' for the shell. */
  role: 'admin' | 'dpo' | 'system' | 'cli';
  /** The client's address, `cli` for the shell, `koppel` for koppel itself. */
  address: string;
}

export const SYSTEM_ACTOR: Actor = { actor: 'koppel', role: 'system', address: 'koppel' };

/** What an automatic signal was (a security event kind) and how often it fired into this incident. */
export interface SignalRef {
  kind: string;
  tenantId: string | null;
  count: number;
  firstAt: number;
  lastAt: number;
  /** The security event (security_events.id) that opened it: a watcher restarted after a crash skips it. */
  eventId?: number;
}

/** A stored evidence file: encrypted at rest, listed by name, size and SHA-256 only. */
export interface EvidenceRef {
  id: string;
  name: string;
  bytes: number;
  sha256: string;
  addedAt: number;
  addedBy: string;
}

/** A decision with its reasoning and who took it (Art. 33(5): also the reasoning for "not notified"). */
export interface Decision {
  at: number;
  by: string;
  /** e.g. 'notify-authority', 'notify-data-subjects', 'not-a-breach', 'delay'. */
  topic: string;
  value: string | boolean;
  reasoning: string;
}

/**
 * One entry of an incident's history. Nothing is updated in place: the current state is derived from
 * the events in order. Free texts hold facts about the incident, never personal data of the people
 * concerned (only categories and counts).
 */
export type IncidentEventBody =
  | {
      type: 'reported';
      title: string;
      summary: string;
      tenants: string[];
      detectedAt: number;
      /** The operator itself is the controller (e.g. its own staff data): our own 72 hours apply. */
      operatorIsController: boolean;
      signal: SignalRef | null;
    }
  | {
      type: 'transitioned';
      from: IncidentState;
      to: IncidentState;
      reason: string;
      awareAt?: number;
      delayReason?: string;
      /** Which missed deadlines the delayReason explains (`name` or `name:tenantId`); see workflow.ts. */
      delayFor?: string[];
    }
  | { type: 'edited'; title?: string; summary?: string; effects?: string; tenants?: string[] }
  | { type: 'facts-recorded'; facts: IncidentFacts }
  | { type: 'assessed'; assessment: Assessment }
  | { type: 'decided'; decision: Omit<Decision, 'at' | 'by'> }
  | { type: 'measure'; kind: 'taken' | 'planned'; text: string }
  | { type: 'note'; text: string }
  | { type: 'evidence-added'; evidence: Omit<EvidenceRef, 'addedAt' | 'addedBy'> }
  /** `eventId`: the security event folded in (so a watcher restarted after a crash never folds it twice). */
  | { type: 'signal-repeated'; kind: string; at: number; eventId?: number }
  | { type: 'lessons-learned'; text: string }
  /** Notifications: every attempt, acknowledgement, phone outcome, follow-up and reminder. */
  | {
      type: 'notice-attempt';
      tenantId: string;
      contactIndex: number;
      channel: 'email' | 'phone';
      outcome: 'queued' | 'sent' | 'failed' | 'reached' | 'not-reached' | 'voicemail';
      detail: string;
      /** The SHA-256 of the acknowledgement code the notice e-mail carries (never the code itself). */
      codeHash?: string;
      /** The outbox mail of an e-mail attempt, so its delivery outcome can be matched to it. */
      outboxId?: string;
      /** 1 on the first pass through the contacts, 2 after every contact was tried once, ... */
      round?: number;
    }
  /** Nobody could be reached (no contacts, or every contact tried): the DPO and operators were alerted. */
  | {
      type: 'escalation-alert';
      tenantId: string;
      reason: 'no-contacts' | 'all-contacts-tried';
      round: number;
    }
  | { type: 'acknowledged'; tenantId: string; contactIndex: number; via: 'code' | 'phone' }
  | { type: 'follow-up-sent'; tenantId: string; number: number; contactIndex: number }
  | {
      type: 'reminder-sent';
      deadline: DeadlineName;
      fraction: number;
      tenantId?: string;
      /** How many addresses it went to; 0 when none is set (recorded so it is not retried each round). */
      recipients?: number;
    };

export type IncidentEventType = IncidentEventBody['type'];

export interface IncidentEvent {
  incidentId: string;
  /** 1, 2, ... per incident. */
  seq: number;
  at: number;
  actor: Actor;
  body: IncidentEventBody;
}

/** The deadlines an incident is measured against, in clock hours (weekends count). */
export type DeadlineName = 'customer-notice' | 'controller-authority' | 'own-authority';

export interface Deadline {
  name: DeadlineName;
  /** When the count started (awareness, or when a customer was informed), ms since the epoch. */
  from: number;
  due: number;
  /** Met when the step it guards happened before `due`; missed when after; open until then. */
  state: 'open' | 'met' | 'missed';
  /** For `controller-authority`: which tenant's 72 hours (counted from when we informed it). */
  tenantId?: string;
}

export interface TimelineEntry {
  at: number;
  by: string;
  text: string;
}

/** The current state of an incident, derived from its events (see deriveIncident). */
export interface Incident {
  id: string;
  title: string;
  summary: string;
  state: IncidentState;
  /** The affected customers (tenant ids) whose data were involved. */
  tenants: string[];
  reportedAt: number;
  reportedBy: string;
  detectedAt: number;
  /** The moment of awareness, set when a breach is confirmed. */
  awareAt: number | null;
  operatorIsController: boolean;
  signal: SignalRef | null;
  effects: string;
  facts: IncidentFacts | null;
  assessment: Assessment | null;
  decisions: Decision[];
  measuresTaken: string[];
  measuresPlanned: string[];
  evidence: EvidenceRef[];
  lessonsLearned: string | null;
  /** Reasons given for a step taken past a deadline, for the AP's "reasons for the delay". */
  delayReasons: string[];
  closedAt: number | null;
  timeline: TimelineEntry[];
  events: IncidentEvent[];
}

/** One e-mail for the outbox: delivered over SMTP, retried, every attempt shown; never silently dropped. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What it is, for the outbox listing: 'dpo-alert', 'customer-notice', 'follow-up', 'reminder', ... */
  kind: string;
  incidentId?: string;
  tenantId?: string;
}

/** Where the register, the escalation and the alerts put their e-mails (src/notifications/outbox.ts). */
export interface MailOutbox {
  enqueue(mail: OutgoingMail): Promise<{ id: string }>;
}
