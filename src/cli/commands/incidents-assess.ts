import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { assess, assessmentOutput } from '../../incidents/assess.js';
import { recordAssessment, recordDecision } from '../../incidents/assessment-records.js';
import { parseFactsJson } from '../../incidents/facts-issues.js';
import type { IncidentFacts } from '../../incidents/facts-schema.js';
import type { Actor } from '../../incidents/incident-model.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';

/**
 * `koppel incidents assess <facts.json>`: the risk assessment of a breach from its facts (the format is
 * docs/incident-facts.schema.json, explained in docs/incident-facts.md). Prints exactly one JSON object;
 * invalid facts exit 1 with one line per bad field on stderr. With --incident the facts and the
 * assessment are recorded on the incident. `koppel incidents decide <id>` records the DPO's decision
 * beside the recommendation.
 */
export function incidentsAssessCommands(incidents: Command, program: Command, io: CliIo): void {
  const globals = () => program.opts<GlobalOptions>();

  incidents
    .command('assess <facts.json>')
    .description(
      'the risk assessment of a breach from its facts: ENISA severity, EDPB criteria and a recommendation (docs/incident-facts.md)',
    )
    .addOption(new Option('--lang <lang>', 'the language of the reasons').choices(['en', 'nl']).default('en'))
    .option('--incident <id>', 'also record the facts and the assessment on this incident')
    // Accepted like on every other incidents command; the answer is always one JSON object.
    .option('--json', 'print the assessment as one JSON object (always the case)')
    .action(async (file: string, options: { lang: 'en' | 'nl'; incident?: string }) => {
      // The facts are checked before anything is opened: a bad file never touches the store.
      const facts = readFacts(pathFrom(io, file));
      const { incident } = options;
      if (incident === undefined)
        return io.out(JSON.stringify(assessmentOutput(assess(facts), options.lang)));
      await withApp(globals(), io, async (app) => {
        const { assessment } = await recordAssessment(app.incidents, incident, facts, shellActor());
        io.out(JSON.stringify(assessmentOutput(assessment, options.lang)));
      });
    });

  incidents
    .command('decide <id>')
    .description(
      "the DPO's decision on notifying, recorded beside the recommendation; a justification is required when it differs",
    )
    .addOption(
      new Option('--notify-authority <yes|no>', 'notify the Autoriteit Persoonsgegevens')
        .choices(['yes', 'no'])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--notify-subjects <yes|no>', 'inform the people concerned')
        .choices(['yes', 'no'])
        .makeOptionMandatory(),
    )
    .option(
      '--reason <text>',
      'the justification (required when the decision differs from the recommendation)',
    )
    .option('--json', 'print one JSON object')
    .action(
      (
        id: string,
        options: {
          notifyAuthority: 'yes' | 'no';
          notifySubjects: 'yes' | 'no';
          reason?: string;
          json?: boolean;
        },
      ) =>
        withApp(globals(), io, async (app) => {
          const input = {
            notifyAuthority: options.notifyAuthority === 'yes',
            notifyDataSubjects: options.notifySubjects === 'yes',
            reason: options.reason,
          };
          const { followsRecommendation } = await recordDecision(app.incidents, id, input, shellActor());
          if (options.json) return io.out(JSON.stringify({ id, ...input, followsRecommendation }));
          io.out(
            `recorded the decision on incident ${id}: notify the AP ${options.notifyAuthority}, inform the people ${options.notifySubjects} (${followsRecommendation ? 'as recommended' : 'differs from the recommendation, with the justification given'})`,
          );
        }),
    );
}

function shellActor(): Actor {
  return { ...cliActor(), role: 'cli' };
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
