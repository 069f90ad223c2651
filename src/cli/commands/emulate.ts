import type { Command } from 'commander';
import { runDataverseEmulatorCli } from '../../emulators/dataverse/cli.js';
import { runMailplusEmulatorCli } from '../../emulators/mailplus/index.js';
import type { CliIo } from '../context.js';

interface EmulateOptions {
  port: string;
  host: string;
  seed: string;
  key?: string;
  secret?: string;
  clientId?: string;
  clientSecret?: string;
  updatesLagMs: string;
}

/** An hour: longer would only hide every change from a client under test. */
const MAX_LAG_MS = 3_600_000;

const count = (value: string, name: string, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > max)
    throw new Error(`--${name} must be a whole number from 0 to ${max}, got "${value}"`);
  return n;
};

export function emulateCommand(program: Command, io: CliIo): void {
  program
    .command('emulate <service>')
    .description(
      'run a local emulator of "dataverse" or "mailplus" (for trying koppel and for tests) until Ctrl-C',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'number of synthetic contacts to create at start', '0')
    .option('--key <key>', 'mailplus: the OAuth consumer key to accept (default: generated)')
    .option('--secret <secret>', 'mailplus: the OAuth consumer secret to accept (default: generated)')
    .option(
      '--updates-lag-ms <ms>',
      'mailplus: how long a change takes to show in contact/updates/list, as on the real service',
      '2000',
    )
    .option('--client-id <id>', 'dataverse: the client id to accept (default: generated)')
    .option('--client-secret <secret>', 'dataverse: the client secret to accept (default: generated)')
    .action(async (service: string, options: EmulateOptions) => {
      const common = {
        port: count(options.port, 'port'),
        host: options.host,
        seed: count(options.seed, 'seed'),
        print: io.out,
      };
      let emulator: { close(): Promise<void> };
      if (service === 'dataverse') {
        emulator = await runDataverseEmulatorCli({
          ...common,
          clientId: options.clientId,
          clientSecret: options.clientSecret,
        });
      } else if (service === 'mailplus') {
        emulator = await runMailplusEmulatorCli({
          ...common,
          key: options.key,
          secret: options.secret,
          updatesLagMs: count(options.updatesLagMs, 'updates-lag-ms', MAX_LAG_MS),
        });
      } else {
        throw new Error(`unknown service "${service}": choose dataverse or mailplus`);
      }
      io.out('press Ctrl-C to stop');
      await io.stopped();
      await emulator.close();
    });
}
