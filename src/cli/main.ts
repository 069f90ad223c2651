import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.js';
import { adminCommand } from './commands/admin.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { dlqCommand } from './commands/dlq.js';
import { doctorCommand } from './commands/doctor.js';
import { emulateCommand } from './commands/emulate.js';
import { incidentsCommand } from './commands/incidents.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { notificationsCommand } from './commands/notifications.js';
import { queueCommand } from './commands/queue.js';
import { registerCommand } from './commands/register.js';
import { retentionCommand } from './commands/retention.js';
import { serverCommand } from './commands/server.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { tenantCommand } from './commands/tenant.js';
import { workerCommand } from './commands/worker.js';
import { type CliIo, processIo, readAll } from './context.js';
import { type SecretInput, secretInputFrom } from './secret-input.js';

const HELP_FOOTER = `
Configuration: none is needed for the embedded default (SQLite and a key file in ./.koppel).
  --config <file> or $KOPPEL_CONFIG: a JSON file (see docs/configuration.md)
  $KOPPEL_DATA_DIR     where koppel keeps its files (default ./.koppel)
  $KOPPEL_STORE_URL    postgres://... to use PostgreSQL instead of SQLite
  $KOPPEL_MASTER_KEY   the 256-bit master key (base64 or hex) instead of the key file

Examples:
  koppel demo                   try it: local emulators, 10,000 synthetic contacts, two-way sync
  koppel tenant add acme --name "Acme BV"   then: koppel tenant set / test-connection / mapping
  koppel run                    sync every configured tenant, with the admin server (alias: start)
  koppel admin add alice --accept-confidentiality   the first administrator (password on stdin)
  koppel server                 the admin server alone: https://127.0.0.1:8443
  koppel worker                 the sync alone; several share the tenants on PostgreSQL (docs/cluster.md)
  koppel doctor                 check the security baseline (exits non-zero on a failure)
  koppel queue stats            what is waiting, in flight and dead-lettered
  koppel dlq list               dead letters with their reasons (never their contents)
  koppel emulate mailplus --seed 100
`;

export function buildProgram(
  io: CliIo = processIo,
  input: SecretInput = secretInputFrom(io, process.stderr),
): Command {
  const program = new Command('koppel')
    .description(
      'Two-way contact sync between Dynamics 365 (Dataverse) and Spotler Mail+, with GDPR processor duties built in.',
    )
    .option('-c, --config <file>', 'JSON configuration file')
    .addHelpText('after', HELP_FOOTER)
    .showHelpAfterError('(run "koppel --help" for the commands)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  demoCommand(program, io);
  startCommand(program, io);
  workerCommand(program, io);
  statusCommand(program, io);
  serverCommand(program, io);
  migrateCommand(program, io);
  queueCommand(program, io);
  dlqCommand(program, io);
  tenantCommand(program, io, () => readAll(io.stdin));
  emulateCommand(program, io);
  keysCommand(program, io);
  retentionCommand(program, io);
  doctorCommand(program, io);
  registerCommand(program, io);
  adminCommand(program, io, input);
  auditCommand(program, io);
  incidentsCommand(program, io);
  notificationsCommand(program, io);
  return program;
}

/** Runs the CLI and returns the exit code: 0 on success, 1 on any error, 2 on a usage error. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(
      error instanceof ConfigError
        ? error.message
        : `error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}
