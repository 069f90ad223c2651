import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

export function demoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'try koppel with no account: local Dataverse and Mail+ emulators, synthetic contacts, live two-way sync',
    )
    .option('--contacts <n>', 'synthetic contacts to seed in Dataverse', '10000')
    .option('--exit-when-done', 'exit 0 with a summary once the load and the edits have crossed')
    .option('--poll-interval <ms>', 'time between sync rounds', '1000')
    .action(async (options: { contacts: string; exitWhenDone?: boolean; pollInterval: string }) => {
      const contacts = Number(options.contacts);
      if (!Number.isInteger(contacts) || contacts < 5 || contacts > 1_000_000) {
        throw new Error(`--contacts must be a whole number from 5 to 1000000, got "${options.contacts}"`);
      }
      const pollIntervalMs = Number(options.pollInterval);
      if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 100)
        throw new Error('--poll-interval must be at least 100 ms');
      const stopped = io.stopped();
      const code = await runDemo(configFrom(program.opts<GlobalOptions>(), io), {
        contacts,
        exitWhenDone: options.exitWhenDone ?? false,
        pollIntervalMs,
        interactive: io.stdoutIsTerminal,
        out: io.out,
        stopped,
      });
      if (code !== 0) throw new Error('the demo did not complete');
    });
}
