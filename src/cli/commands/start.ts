import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { createAppLogger } from '../../log/logger.js';
import { RETENTION_INTERVAL_MS, RetentionJob } from '../../retention/retention-job.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

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
      const { logger: log, close: closeLog } = createAppLogger(config);
      const retention = new RetentionJob({ store: app.store, queue: app.queue, config });
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
        `  retention:   dead letters deleted after ${config.queue.deadLetterRetentionDays} days, log files after ${config.log.retentionDays}, checked every minute (koppel retention status)`,
      );
      const round = async () => {
        const { purged, errors } = await retention.run();
        const stats = await app.queue.stats();
        const live = stats.reduce((n, s) => n + s.ready + s.scheduled + s.inFlight, 0);
        const dead = stats.reduce((n, s) => n + s.dead, 0);
        log.info(
          { event: 'retention', purged, errors, liveMessages: live, deadLetters: dead },
          'retention round done',
        );
      };
      await round();
      if (options.once) {
        closeLog();
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
      closeLog();
      await app.close();
      io.out('koppel stopped');
    });
}
