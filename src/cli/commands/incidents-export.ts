import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { documentSourcesFor } from '../../incidents/documents/app-sources.js';
import {
  DOCUMENT_FORMATS,
  DOCUMENT_KINDS,
  type DocumentFormat,
  type DocumentKind,
} from '../../incidents/documents/document-context.js';
import {
  DocumentRequestError,
  exportIncidentDocument,
  parseMoment,
} from '../../incidents/documents/export-incident-document.js';
import { LANGUAGES, type Language } from '../../register/texts.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';

interface ExportFlags {
  doc: DocumentKind;
  format: DocumentFormat;
  lang: Language;
  out?: string;
  tenant?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

/**
 * `koppel incidents export`: an incident's documents (docs/incident-documents.md). Markdown and HTML
 * go to standard output unless --out is given; a PDF is binary, so it needs --out.
 */
export function incidentsExportCommands(incidents: Command, program: Command, io: CliIo): void {
  incidents
    .command('export [id]')
    .description(
      'write a document: the customer notice, the AP preparation sheet, the notice to the people concerned, or the DPO review of a period (no id)',
    )
    .addOption(new Option('--doc <doc>', 'which document').choices(DOCUMENT_KINDS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format').choices(DOCUMENT_FORMATS).default('md'))
    .addOption(new Option('--lang <lang>', 'language of the text').choices(LANGUAGES).default('nl'))
    .option('--out <file>', 'write to this file (mode 0640) instead of standard output; required for pdf')
    .option('--tenant <id>', 'the affected customer the document is for (default: the only one)')
    .option('--from <iso>', 'dpo-review: start of the period (ISO 8601; a date is midnight in Amsterdam)')
    .option('--to <iso>', 'dpo-review: end of the period (default now; the period defaults to 90 days)')
    .option('--json', 'with --out: print one JSON object describing the file written')
    .action((id: string | undefined, flags: ExportFlags) => {
      const request = exportRequest(id, flags);
      return withApp(program.opts<GlobalOptions>(), io, async (app) => {
        const exported = await exportIncidentDocument(documentSourcesFor(app), request);
        await app.audit.append({
          ...cliActor(),
          action: 'incident.export',
          target: id ?? 'dpo-review',
          result: 'ok',
          detail: {
            doc: flags.doc,
            format: flags.format,
            lang: flags.lang,
            tenant: exported.tenant,
            incidents: exported.incidentIds.length,
          },
        });
        if (!flags.out) return io.out(String(exported.body).trimEnd());
        writeFileSync(pathFrom(io, flags.out), exported.body, { mode: 0o640 });
        const bytes = Buffer.byteLength(exported.body);
        if (flags.json)
          return io.out(
            JSON.stringify({
              file: flags.out,
              doc: flags.doc,
              format: flags.format,
              lang: flags.lang,
              bytes,
              incidents: exported.incidentIds,
            }),
          );
        io.out(`wrote ${flags.out} (${flags.doc}, ${flags.format}, ${flags.lang}, ${bytes} bytes)`);
      });
    });
}

/** Checks the flags before koppel is started, each error naming its flag. */
function exportRequest(id: string | undefined, flags: ExportFlags) {
  if (flags.format === 'pdf' && !flags.out)
    throw new DocumentRequestError(
      '--out must be given for --format pdf: a PDF is binary, not for a terminal',
    );
  if (flags.doc !== 'dpo-review' && !id)
    throw new DocumentRequestError(`an incident id is needed for --doc ${flags.doc}`);
  if (flags.doc !== 'dpo-review' && (flags.from || flags.to))
    throw new DocumentRequestError('--from and --to are for --doc dpo-review only');
  const moment = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = parseMoment(text);
    if (ms === null)
      throw new DocumentRequestError(
        `${name} must be an ISO 8601 date or moment with offset, e.g. 2026-03-01 or 2026-03-01T09:00:00+01:00`,
      );
    return ms;
  };
  return {
    doc: flags.doc,
    format: flags.format,
    lang: flags.lang,
    id,
    tenant: flags.tenant,
    from: moment('--from', flags.from),
    to: moment('--to', flags.to),
  };
}
