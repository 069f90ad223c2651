import type { ProcessorConfig } from '../../config/config-schema.js';
import type { Language } from '../../register/texts.js';
import type { Deadline, Incident } from '../incident-model.js';
import type {
  ControllerDetails,
  DocumentContext,
  DocumentFormat,
  DocumentKind,
  ReviewPeriod,
} from './document-context.js';
import { dpoReview, inPeriod } from './dpo-review.js';
import {
  buildIncidentDocument,
  CONTENT_TYPES,
  documentFileName,
  renderDocument,
} from './render-incident-document.js';

/**
 * What the CLI and the API need to make a document: the register, the tenants, the controllers'
 * details and our own. Kept as an interface so the documents do not depend on how these are stored.
 */
export interface DocumentSources {
  incidents: {
    get(id: string): Promise<Incident>;
    list(): Promise<Incident[]>;
    clocks(incident: Incident): Promise<{ deadlines: Deadline[] }>;
  };
  tenantName(tenantId: string): Promise<string>;
  /** The controller's details once recorded (`koppel tenant contacts`), else null. */
  controllerDetails(tenantId: string): Promise<ControllerDetails | null>;
  processor: ProcessorConfig;
  now(): number;
}

export interface ExportRequest {
  doc: DocumentKind;
  format: DocumentFormat;
  lang: Language;
  /** The incident; not used for the DPO review. */
  id?: string;
  /** The customer the document is for; default the incident's only tenant. */
  tenant?: string;
  /** The DPO review's period (ms); default the 90 days up to now. */
  from?: number;
  to?: number;
}

export interface ExportedDocument {
  body: string | Buffer;
  contentType: string;
  fileName: string;
  /** The incidents it was made from, for the audit entry. */
  incidentIds: string[];
  tenant: string | null;
}

/** A request that cannot be served as asked; the message names the flag or field. */
export class DocumentRequestError extends Error {}

const DAY = 86_400_000;
export const DEFAULT_REVIEW_DAYS = 90;

export async function exportIncidentDocument(
  sources: DocumentSources,
  request: ExportRequest,
): Promise<ExportedDocument> {
  const now = sources.now();
  const { doc, format, lang } = request;
  if (doc === 'dpo-review') {
    const period = reviewPeriod(request, now);
    const incidents = (await sources.incidents.list()).filter((i) => inPeriod(i, period));
    const deadlines = new Map<string, Deadline[]>();
    for (const incident of incidents)
      deadlines.set(incident.id, (await sources.incidents.clocks(incident)).deadlines);
    const document = dpoReview(incidents, {
      period,
      now,
      lang,
      deadlines: (i) => deadlines.get(i.id) ?? [],
    });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return {
      body: await renderDocument(document, format, now),
      contentType: CONTENT_TYPES[format],
      fileName: documentFileName(doc, format, lang, [day(period.from), day(period.to)]).replace(
        /^incident-/,
        'incidents-',
      ),
      incidentIds: incidents.map((i) => i.id),
      tenant: null,
    };
  }
  if (!request.id) throw new DocumentRequestError(`id: an incident id is needed for --doc ${doc}`);
  const incident = await sources.incidents.get(request.id);
  const tenantId = pickTenant(incident, request.tenant);
  const ctx: DocumentContext = {
    processor: sources.processor,
    tenant:
      tenantId === null
        ? null
        : {
            id: tenantId,
            name: await sources.tenantName(tenantId),
            controller: await sources.controllerDetails(tenantId),
          },
    deadlines: (await sources.incidents.clocks(incident)).deadlines,
    now,
    lang,
  };
  const document = buildIncidentDocument(doc, incident, ctx);
  return {
    body: await renderDocument(document, format, now),
    contentType: CONTENT_TYPES[format],
    fileName: documentFileName(doc, format, lang, [incident.id, ...(tenantId ? [tenantId] : [])]),
    incidentIds: [incident.id],
    tenant: tenantId,
  };
}

/** The customer a document is for: the one asked, which must be affected; or the only one. */
function pickTenant(incident: Incident, asked: string | undefined): string | null {
  if (asked !== undefined) {
    if (!incident.tenants.includes(asked))
      throw new DocumentRequestError(
        `tenant: ${asked} is not affected by incident ${incident.id} (affected: ${incident.tenants.join(', ') || 'none'})`,
      );
    return asked;
  }
  if (incident.tenants.length === 1) return incident.tenants[0] ?? null;
  if (incident.tenants.length === 0) return null;
  throw new DocumentRequestError(
    `tenant: incident ${incident.id} affects ${incident.tenants.length} customers; choose one with --tenant (${incident.tenants.join(', ')})`,
  );
}

function reviewPeriod(request: ExportRequest, now: number): ReviewPeriod {
  const to = request.to ?? now;
  const from = request.from ?? to - DEFAULT_REVIEW_DAYS * DAY;
  if (!(from < to)) throw new DocumentRequestError('from: must be before to');
  return { from, to };
}

/**
 * An ISO 8601 moment with its offset (2026-03-01T00:00:00+01:00, ...Z), or a date, which means the
 * start of that day in Europe/Amsterdam; as ms, or null when it is neither.
 */
export function parseMoment(text: string): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    // Midnight in Amsterdam is 23:00 or 22:00 UTC the day before (CET or CEST): take the one that is.
    for (const offset of ['+01:00', '+02:00']) {
      const ms = Date.parse(`${text}T00:00:00${offset}`);
      if (!Number.isNaN(ms) && amsterdamHour(ms) === 0) return ms;
    }
    return null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

const hourFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hour: '2-digit',
  hourCycle: 'h23',
});
const amsterdamHour = (ms: number): number => Number(hourFormat.format(ms));
