import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { incidentsNotifyCommands } from './incidents-notify.js';

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
  incidentsNotifyCommands(incidents, program, io);
  return incidents;
}
