import { CATEGORY_LABELS } from '../sync/mapping/index.js';
import { dataProStatement } from './data-pro-statement.js';
import type { RegisterDocument } from './document.js';
import { registerDocument } from './register-document.js';
import type { ProcessingRegister } from './register-model.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-md.js';
import { renderPdf } from './render-pdf.js';
import { type Language, textsFor } from './texts.js';

export const FORMATS = ['md', 'json', 'html'] as const;
export type Format = (typeof FORMATS)[number];
/** The formats of `koppel register export`: the text ones, and PDF (binary, so only to a file). */
export const EXPORT_FORMATS = [...FORMATS, 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const DOCUMENTS = ['all', 'register', 'statement'] as const;
export type DocumentChoice = (typeof DOCUMENTS)[number];

export interface ExportOptions {
  format: Format;
  lang: Language;
  /** The Art. 30(2) register, the Data Pro Statement, or both (default). */
  document?: DocumentChoice;
}

/** The register as text in the chosen format and language. JSON is the data model itself. */
export function exportRegister(register: ProcessingRegister, options: ExportOptions): string {
  const t = textsFor(options.lang);
  if (options.format === 'json') {
    const categoryLabels = Object.fromEntries(
      register.dataCategories.map((c) => [c, CATEGORY_LABELS[c][t.lang]]),
    );
    return `${JSON.stringify({ ...register, lang: t.lang, categoryLabels }, null, 2)}\n`;
  }
  const docs = registerDocuments(register, options);
  return options.format === 'html' ? renderHtml(docs) : renderMarkdown(docs);
}

/** The register and/or the Data Pro Statement as one PDF (A4), one document per page run. */
export function exportRegisterPdf(
  register: ProcessingRegister,
  options: Omit<ExportOptions, 'format'> & { createdAt?: number },
): Promise<Buffer> {
  return renderPdf(registerDocuments(register, options), { createdAt: options.createdAt });
}

function registerDocuments(
  register: ProcessingRegister,
  options: Pick<ExportOptions, 'lang' | 'document'>,
): RegisterDocument[] {
  const t = textsFor(options.lang);
  const choice = options.document ?? 'all';
  const docs: RegisterDocument[] = [];
  if (choice !== 'statement') docs.push(registerDocument(register, t));
  if (choice !== 'register') docs.push(dataProStatement(register, t));
  return docs;
}
