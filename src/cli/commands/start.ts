import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';
import { openAdminServer } from './server.js';
import { runWorker } from './worker.js';

/** `koppel run`: the worker role and the admin server in one process (the embedded default). */
export function startCommand(program: Command, io: CliIo): void {
  program
    .command('start')
    .alias('run')
    .description(
      'migrate the store, then sync every configured tenant and run retention until Ctrl-C (also: koppel run); koppel worker + koppel server in one process',
    )
    .option('--once', 'do one round of work (sync and retention) and exit')
    .action(async (options: { once?: boolean }) => {
      const config = configFrom(program.opts<GlobalOptions>(), io);
      const app = await createApp(config, { env: io.env });
      const once = options.once ?? false;
      await runWorker(app, io, {
        once,
        name: 'koppel',
        beside: async () => {
          // One listener: the admin server also answers what the status API did (/healthz, /readyz, /api/status).
          const status = await openAdminServer({ app, engine: app.engine }, once);
          return { lines: status.lines, close: async () => void (await status.server?.close()) };
        },
      });
    });
}
