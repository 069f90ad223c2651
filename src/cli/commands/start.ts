import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { createLogger } from '../../log/logger.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

const RETENTION_INTERVAL_MS = 60_000;

export function startCommand(program: Command, io: CliIo): void {
  program
    .command('start')
    .description(
      'migrate the store and run koppel until Ctrl-C (the embedded default needs no configuration)',
    )
    .option('--once', 'do one round of work (retention) and exit')
    .action(async (options: { once?: boolean }) => {
      const config = configFrom(program.opts<GlobalOptions>(), io);
      const app = await createApp(config, { env: io.env });
      const log = createLogger(config.log.level);
      io.out('koppel is starting');
      io.out(`  store:       ${app.store.dialect} at ${app.store.location}`);
      io.out(
        `  migrations:  ${app.migrationsApplied.length ? `applied ${app.migrationsApplied.join(', ')}` : 'up to date'}`,
      );
      io.out(`  master key:  ${app.masterKey.source} (id ${app.masterKey.id})`);
      if (app.masterKey.created) {
        io.out(
          '               created now with mode 0600; back it up: without it the stored data cannot be read',
        );
      }
      io.out(
        `  retention:   dead letters deleted after ${config.queue.deadLetterRetentionDays} days, checked every minute`,
      );
      const round = async () => {
        const purged = await app.queue.purgeExpired();
        const stats = await app.queue.stats();
        const live = stats.reduce((n, s) => n + s.ready + s.scheduled + s.inFlight, 0);
        const dead = stats.reduce((n, s) => n + s.dead, 0);
        log.info(
          { event: 'retention', ...purged, liveMessages: live, deadLetters: dead },
          'retention round done',
        );
      };
      await round();
      if (options.once) {
        await app.close();
        return;
      }
      io.out('koppel is running; press Ctrl-C to stop');
      const timer = setInterval(
        () => round().catch((error) => log.error({ err: error }, 'retention failed')),
        RETENTION_INTERVAL_MS,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      clearInterval(timer);
      await app.close();
      io.out('koppel stopped');
    });
}
