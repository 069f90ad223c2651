import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { createApp } from '../../app.js';
import { systemClock } from '../../clock.js';
import { createAppLogger } from '../../log/logger.js';
import { RETENTION_INTERVAL_MS, RetentionJob } from '../../retention/retention-job.js';
import {
  StatusPortInUseError,
  type StatusServer,
  type StatusServerOptions,
  startStatusServer,
} from '../../status/status-server.js';
import { startLoadProgress } from '../../sync/load-progress.js';
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
      const status = await openStatus({ app, engine, config, log }, options.once ?? false);
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
      for (const line of status.lines) io.out(line);
      const progress = startLoadProgress({ engine, tenants, out: io.out });
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
        progress.stop();
        await engine.close();
        closeLog();
        await app.close();
        return;
      }
      const timer = setInterval(
        () => round().catch((error) => log.error({ err: error }, 'retention failed')),
        RETENTION_INTERVAL_MS,
      );
      // Aborting also cancels the wait between rounds: a pending timer would keep the process alive
      // for up to a poll interval after "koppel stopped".
      const stopping = new AbortController();
      const stop = () => stopping.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Only now: whoever waits for this line may stop koppel at once, and must find the handlers set.
      io.out('koppel is running; press Ctrl-C to stop');
      while (!stopping.signal.aborted) {
        await sleep(config.sync.pollIntervalSeconds * 1000, undefined, { signal: stopping.signal }).catch(
          () => {},
        );
        if (!stopping.signal.aborted) await syncRound();
      }
      clearInterval(timer);
      progress.stop();
      await status.server?.close();
      await engine.close();
      closeLog();
      await app.close();
      io.out('koppel stopped');
    });
}

/** The status API, unless switched off or --once; a taken port is printed and logged, not fatal. */
async function openStatus(
  deps: StatusServerOptions,
  once: boolean,
): Promise<{ server?: StatusServer; lines: string[] }> {
  const line = (text: string) => `  status API:  ${text}`;
  if (!deps.config.status.enabled) return { lines: [line('off (status.enabled is false)')] };
  // A single round has nothing to report on while it runs.
  if (once) return { lines: [line('not started with --once')] };
  try {
    const server = await startStatusServer(deps);
    const { selfSigned, fingerprint, certFile } = server.certificate;
    const trust = selfSigned
      ? `self-signed certificate: pin SHA-256 ${fingerprint} or trust ${certFile}`
      : `certificate ${certFile}`;
    return {
      server,
      lines: [line(`${server.url}/status (read-only, HTTPS; docs/status-api.md)`), `               ${trust}`],
    };
  } catch (error) {
    // A second worker on this machine finds the port taken: that must not stop its sync.
    if (!(error instanceof StatusPortInUseError)) throw error;
    deps.log.error({ event: 'status.port-in-use', port: deps.config.status.port }, error.issues[0]);
    return { lines: [line(`not started: ${error.issues[0]}`)] };
  }
}
