import { CATEGORY_LABELS } from '../sync/mapping/index.js';
import { dataProStatement } from './data-pro-statement.js';
import type { RegisterDocument } from './document.js';
import { registerDocument } from './register-document.js';
import type { ProcessingRegister } from './register-model.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-md.js';
import { type Language, textsFor } from './texts.js';

export const FORMATS = ['md', 'json', 'html'] as const;
export type Format = (typeof FORMATS)[number];
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
  const choice = options.document ?? 'all';
  const docs: RegisterDocument[] = [];
  if (choice !== 'statement') docs.push(registerDocument(register, t));
  if (choice !== 'register') docs.push(dataProStatement(register, t));
  return options.format === 'html' ? renderHtml(docs) : renderMarkdown(docs);
}
