import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { systemClock } from '../../clock.js';
import { createAppLogger } from '../../log/logger.js';
import { RETENTION_INTERVAL_MS, RetentionJob } from '../../retention/retention-job.js';
import { type StatusServer, startStatusServer } from '../../status/status-server.js';
import { mapperForTenant } from '../../sync/mapper-for-tenant.js';
import { SyncEngine } from '../../sync/sync-engine.js';
import { syncAllOnce, syncableTenants } from '../../sync/sync-loop.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

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
      const { logger: log, close: closeLog } = createAppLogger(config);
      const retention = new RetentionJob({ store: app.store, queue: app.queue, config });
      const engine = new SyncEngine(app, {
        clock: systemClock,
        log,
        mapperFor: (tenantId) => mapperForTenant(app, tenantId),
        mailplusOverlapMs: config.sync.mailplusOverlapSeconds * 1000,
      });
      const tenants = await syncableTenants(app, log);
      // A single round (--once) has nothing to report on while it runs.
      const status =
        config.status.enabled && !options.once
          ? await startStatusServer({ app, engine, config, log })
          : undefined;
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
      for (const line of describeStatus(status, config.status.enabled)) io.out(line);
      const syncRound = () => syncAllOnce(engine, tenants, log);
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
      await syncRound();
      await round();
      if (options.once) {
        await engine.close();
        closeLog();
        await app.close();
        return;
      }
      io.out('koppel is running; press Ctrl-C to stop');
      const timer = setInterval(
        () => round().catch((error) => log.error({ err: error }, 'retention failed')),
        RETENTION_INTERVAL_MS,
      );
      let stopping = false;
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          stopping = true;
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      while (!stopping) {
        await Promise.race([stopped, sleep(config.sync.pollIntervalSeconds * 1000)]);
        if (!stopping) await syncRound();
      }
      clearInterval(timer);
      await status?.close();
      await engine.close();
      closeLog();
      await app.close();
      io.out('koppel stopped');
    });
}

function describeStatus(status: StatusServer | undefined, enabled: boolean): string[] {
  if (!status)
    return [`  status API:  ${enabled ? 'not started with --once' : 'off (status.enabled is false)'}`];
  const { certificate } = status;
  return [
    `  status API:  ${status.url}/status (read-only, HTTPS; docs/status-api.md)`,
    certificate.selfSigned
      ? `               self-signed certificate: pin SHA-256 ${certificate.fingerprint} or trust ${certificate.certFile}`
      : `               certificate ${certificate.certFile}`,
  ];
}
