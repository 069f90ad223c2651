import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { assess, assessmentOutput } from '../../incidents/assess.js';
import { parseFactsJson } from '../../incidents/facts-issues.js';
import type { IncidentFacts } from '../../incidents/facts-schema.js';
import type { CliIo } from '../context.js';

/**
 * `koppel incidents assess <facts.json>`: the risk assessment of a breach from its facts (the format is
 * docs/incident-facts.schema.json, explained in docs/incident-facts.md). Prints exactly one JSON object;
 * invalid facts exit 1 with one line per bad field on stderr.
 */
export function incidentsAssessCommands(incidents: Command, _program: Command, io: CliIo): void {
  incidents
    .command('assess <facts.json>')
    .description(
      'the risk assessment of a breach from its facts: ENISA severity, EDPB criteria and a recommendation (docs/incident-facts.md)',
    )
    .addOption(new Option('--lang <lang>', 'the language of the reasons').choices(['en', 'nl']).default('en'))
    .action((file: string, options: { lang: 'en' | 'nl' }) => {
      const facts = readFacts(file);
      io.out(JSON.stringify(assessmentOutput(assess(facts), options.lang)));
    });
}

/** The facts of a file; an unreadable file or bad facts throw with what is wrong (exit 1). */
export function readFacts(file: string): IncidentFacts {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`cannot read the facts file ${file} (${code})`);
  }
  return parseFactsJson(text);
}
