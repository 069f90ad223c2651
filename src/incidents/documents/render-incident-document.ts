import type { RegisterDocument } from '../../register/document.js';
import { renderHtml } from '../../register/render-html.js';
import { renderMarkdown } from '../../register/render-md.js';
import { renderPdf } from '../../register/render-pdf.js';
import type { Incident } from '../incident-model.js';
import { apSheet } from './ap-sheet.js';
import { customerNotice } from './customer-notice.js';
import type { DocumentContext, DocumentFormat, DocumentKind } from './document-context.js';
import { subjectNotice } from './subject-notice.js';

/** The documents made from one incident; the DPO review is made from many (dpo-review.ts). */
export const INCIDENT_DOCUMENT_KINDS = ['customer-notice', 'ap-sheet', 'subject-notice'] as const;
export type IncidentDocumentKind = (typeof INCIDENT_DOCUMENT_KINDS)[number];

const BUILDERS: Record<IncidentDocumentKind, (i: Incident, ctx: DocumentContext) => RegisterDocument> = {
  'customer-notice': customerNotice,
  'ap-sheet': apSheet,
  'subject-notice': subjectNotice,
};

export function buildIncidentDocument(
  kind: IncidentDocumentKind,
  incident: Incident,
  ctx: DocumentContext,
): RegisterDocument {
  return BUILDERS[kind](incident, ctx);
}

/** Markdown and HTML as text, PDF as bytes; `now` is stamped in the PDF so one input gives one file. */
export async function renderDocument(
  doc: RegisterDocument,
  format: DocumentFormat,
  now: number,
): Promise<string | Buffer> {
  if (format === 'md') return renderMarkdown([doc]);
  if (format === 'html') return renderHtml([doc]);
  return renderPdf([doc], { createdAt: now });
}

export const CONTENT_TYPES: Record<DocumentFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** e.g. "incident-inc-42-acme-customer-notice-nl.pdf": only [a-z0-9-], so it is safe in Content-Disposition. */
export function documentFileName(
  kind: DocumentKind,
  format: DocumentFormat,
  lang: string,
  parts: readonly string[],
): string {
  const stem = ['incident', ...parts, kind, lang]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 120);
  return `${stem}.${format}`;
}
