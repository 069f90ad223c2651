import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { incidentsAssessCommands } from './incidents-assess.js';
import { incidentsExportCommands } from './incidents-export.js';
import { incidentsNotifyCommands } from './incidents-notify.js';
import { incidentsRegisterCommands } from './incidents-register.js';

/**
 * `koppel incidents ...`: the breach (datalek) register. Each group of subcommands lives in a file of
 * its own (incidents-*.ts) and is attached here.
 */
export function incidentsCommand(program: Command, io: CliIo): Command {
  const incidents = program
    .command('incidents')
    .description(
      'the breach (datalek) register: incidents, their workflow and clocks, risk assessment, informing customers (docs/incidents.md)',
    );
  incidentsRegisterCommands(incidents, program, io);
  incidentsAssessCommands(incidents, program, io);
  incidentsExportCommands(incidents, program, io);
  incidentsNotifyCommands(incidents, program, io);
  return incidents;
}
