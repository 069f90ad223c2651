import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { buildRegister } from '../../register/build-register.js';
import {
  DOCUMENTS,
  type DocumentChoice,
  EXPORT_FORMATS,
  type ExportFormat,
  exportRegister,
  exportRegisterPdf,
} from '../../register/export-register.js';
import { LANGUAGES, type Language } from '../../register/texts.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';

interface ExportFlags {
  format: ExportFormat;
  lang: Language;
  tenant?: string;
  document: DocumentChoice;
  out?: string;
}

export function registerCommand(program: Command, io: CliIo): void {
  const register = program
    .command('register')
    .description(
      'the Art. 30(2) processing register and the Data Pro Statement, from the live configuration',
    );

  register
    .command('export')
    .description(
      'write the register and the Data Pro Statement; what the configuration lacks is listed as missing',
    )
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('md'))
    .addOption(new Option('--lang <lang>', 'language of the text').choices(LANGUAGES).default('nl'))
    .addOption(new Option('--document <which>', 'which document').choices(DOCUMENTS).default('all'))
    .option('--tenant <id>', 'only this controller (tenant)')
    .option('--out <file>', 'write to this file (mode 0640) instead of standard output; required for pdf')
    .action((flags: ExportFlags) => {
      if (flags.format === 'pdf' && !flags.out)
        throw new Error('--out must be given for --format pdf: a PDF is binary, not for a terminal');
      return withApp(program.opts<GlobalOptions>(), io, async (app) => {
        const model = await buildRegister(app, { tenantId: flags.tenant });
        const { format, lang, document } = flags;
        const text =
          format === 'pdf'
            ? await exportRegisterPdf(model, { lang, document, createdAt: app.clock.now() })
            : exportRegister(model, { format, lang, document });
        await app.audit.append({
          ...cliActor(),
          action: 'register.export',
          target: flags.tenant ?? 'all',
          result: 'ok',
          detail: { format: flags.format, lang: flags.lang, document: flags.document },
        });
        if (!flags.out) return io.out(String(text).trimEnd());
        writeFileSync(pathFrom(io, flags.out), text, { mode: 0o640 });
        io.out(
          `wrote ${flags.out} (${flags.format}, ${flags.lang}, configuration ${model.configHash.slice(0, 19)})`,
        );
        if (model.missing.length > 0) io.err(`not configured yet: ${model.missing.join(', ')}`);
      });
    });
}
