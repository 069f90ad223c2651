import type { Command } from 'commander';
import { type App, createApp } from '../../app.js';
import { every } from '../../clock.js';
import { DUE_JOBS_INTERVAL_MS, runDueJobs } from '../../incidents/due-jobs.js';
import { RETENTION_INTERVAL_MS } from '../../retention/retention-job.js';
import { startLoadProgress } from '../../sync/load-progress.js';
import { syncAllOnce, syncableTenants } from '../../sync/sync-loop.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';
import { openAdminServer } from './server.js';

export function startCommand(program: Command, io: CliIo): void {
  program
    .command('start')
    .alias('run')
    .description(
      'migrate the store, then sync every configured tenant and run retention until Ctrl-C (also: koppel run)',
    )
    .option('--once', 'do one round of work (sync and retention) and exit')
    .action(async (options: { once?: boolean }) => {
      const config = configFrom(program.opts<GlobalOptions>(), io);
      const app = await createApp(config, { env: io.env });
      const { engine, log } = app;
      // Before the first claim: a koppel killed on this machine left claims whose payloads would
      // otherwise wait out their lease (up to queue.leaseSeconds) before anyone delivers them.
      const released = await app.queue.releaseOrphanedLeases();
      if (released > 0)
        log.info(
          { event: 'queue.leases-released', messages: released },
          'took back the claims of a stopped koppel',
        );
      const tenants = await syncableTenants(app.tenants, log);
      // One listener: the admin server also answers what the status API did (/healthz, /readyz, /api/status).
      const status = await openAdminServer({ app, engine }, options.once ?? false);
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
      io.out(
        `  sync:        ${tenants.length ? `tenants ${tenants.join(', ')}, every ${config.sync.pollIntervalSeconds} s` : 'no configured tenants yet (koppel tenant add)'}`,
      );
      if (released > 0)
        io.out(
          `  queue:       took back ${released} messages claimed by a koppel that stopped without finishing`,
        );
      for (const line of status.lines) io.out(line);
      const progress = startLoadProgress({ engine, tenants, out: io.out, clock: app.clock });
      const syncRound = () => syncAllOnce(engine, tenants, log);
      const first = await syncRound();
      await retentionRound(app);
      const dueRound = () => runDueJobs(app.dueJobs, log);
      await dueRound();
      if (options.once) {
        progress.stop();
        await app.close();
        // Every tenant failing is not a successful round: a scheduler running --once must see it.
        if (tenants.length > 0 && first.failed === tenants.length) {
          // Thrown, so main() prints it and returns 1 (a process.exitCode set here was overwritten by bin.ts).
          throw new Error(`every tenant's round failed (${tenants.join(', ')}); see the log`);
        }
        return;
      }
      const sync = every(app.clock, config.sync.pollIntervalSeconds * 1000, syncRound);
      const retention = every(app.clock, RETENTION_INTERVAL_MS, () =>
        retentionRound(app).catch((error) => log.error({ err: error }, 'retention failed')),
      );
      const due = every(app.clock, DUE_JOBS_INTERVAL_MS, dueRound);
      // Stopping also cancels the waits between rounds: a pending wait would keep the process alive
      // for up to a poll interval after "koppel stopped".
      const stop = () => {
        void sync.stop();
        void retention.stop();
        void due.stop();
      };
      void io.stopped().then(stop);
      // Only now: whoever waits for this line may stop koppel at once, and must find the handlers set.
      io.out('koppel is running; press Ctrl-C to stop');
      await Promise.all([sync.done, retention.done, due.done]);
      progress.stop();
      await status.server?.close();
      await app.close();
      io.out('koppel stopped');
    });
}

async function retentionRound(app: App): Promise<void> {
  const { purged, errors } = await app.retention.run();
  const stats = await app.queue.stats();
  const live = stats.reduce((n, s) => n + s.ready + s.scheduled + s.inFlight, 0);
  const dead = stats.reduce((n, s) => n + s.dead, 0);
  app.log.info(
    { event: 'retention', purged, errors, liveMessages: live, deadLetters: dead },
    'retention round done',
  );
}
