import type { Command } from 'commander';
import { type App, createApp } from '../../app.js';
import { every } from '../../clock.js';
import { HEARTBEATS_PER_LEASE } from '../../cluster/coordinator.js';
import { lockSqliteWorker, type WorkerLock } from '../../cluster/sqlite-worker-lock.js';
import { DUE_JOBS_INTERVAL_MS, runDueJobs } from '../../incidents/due-jobs.js';
import { OpsPortInUseError, startOpsListener } from '../../metrics/ops-listener.js';
import { processAlive } from '../../queue/lease-owner.js';
import { RETENTION_INTERVAL_MS } from '../../retention/retention-job.js';
import { startLoadProgress } from '../../sync/load-progress.js';
import { syncAllOnce, syncableTenants } from '../../sync/sync-loop.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

/** How long a stop waits for the round under way before giving its tenants up anyway (exit < 30 s). */
export const STOP_GRACE_MS = 20_000;
/** Workers ask this often whether a once-per-interval job is theirs to run (a part of the shortest). */
const JOB_CHECKS_PER_INTERVAL = 4;

export function workerCommand(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description(
      'the sync alone (pollers, deliverers, retention, incident due jobs) until Ctrl-C or SIGTERM; on PostgreSQL any number of workers share the tenants (docs/cluster.md)',
    )
    .option('--once', 'do one round of work (sync and retention) and exit')
    .action(async (options: { once?: boolean }) => {
      const app = await createApp(configFrom(program.opts<GlobalOptions>(), io), { env: io.env });
      await runWorker(app, io, { once: options.once ?? false, name: 'koppel worker' });
    });
}

/**
 * `koppel worker`'s own small listener (/healthz, /readyz, /metrics; loopback by default). A port
 * taken by a second worker on this machine is said and the sync goes on, as for the admin server.
 */
async function opsListener(app: App, leaseFresh: () => boolean): Promise<Beside> {
  const line = (text: string) => `  listener:    ${text}`;
  if (!app.config.worker.listen.enabled)
    return { lines: [line('off (worker.listen.enabled is false)')], close: async () => {} };
  try {
    const listener = await startOpsListener({ app, lease: leaseFresh });
    return {
      lines: [line(`${listener.url} (/healthz, /readyz, /metrics)`)],
      close: () => listener.close(),
    };
  } catch (error) {
    if (!(error instanceof OpsPortInUseError)) throw error;
    app.log.error({ event: 'worker.listen-port-in-use' }, error.issues[0]);
    return { lines: [line(`not started: ${error.issues[0]}`)], close: async () => {} };
  }
}

/**
 * The tenant's interactions feed after its sync round (off unless the tenant switched it on). Its own
 * failure is logged and read again next round: it never stops the contact sync or another tenant.
 */
async function interactionsPass(app: App, tenant: string): Promise<void> {
  try {
    await app.interactions.run(tenant);
  } catch (error) {
    app.log.warn(
      { event: 'interactions.pass-failed', tenant, error: (error as Error).name },
      'interactions pass failed; the window is read again next round',
    );
  }
}

/** What runs beside the worker in the same process (`koppel run`: the admin server). */
export interface Beside {
  lines: string[];
  close(): Promise<void>;
}

export interface WorkerRunOptions {
  once: boolean;
  /** How the process names itself in its output: 'koppel' for `koppel run`. */
  name: string;
  /** Started once this worker may run (after the SQLite lock), stopped after it. */
  beside?: () => Promise<Beside>;
}

/**
 * The worker role, shared by `koppel worker` and `koppel run`: join the cluster, hold a fair share of
 * the tenants' leases (renewed every fifth of a lease), sync the held tenants every poll interval, run
 * retention and the incident due jobs once per interval across the cluster, and on SIGTERM/Ctrl-C stop
 * claiming, let the round under way end (at most STOP_GRACE_MS), and give leases and queue claims back.
 * Closes the app.
 */
export async function runWorker(app: App, io: CliIo, options: WorkerRunOptions): Promise<void> {
  let lock: WorkerLock | undefined;
  try {
    // SQLite: one worker process per database file; a second one is refused here, before any work.
    if (app.store.dialect === 'sqlite') lock = lockSqliteWorker(app.store.location);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { engine, log, config, cluster, clock } = app;
  const coordinator = cluster.coordinator;
  const stopping = new AbortController();
  const stopped = io.stopped().then(() => stopping.abort());
  let beside: Beside | undefined;
  try {
    // Before the first claim: a koppel killed on this machine left claims whose payloads would
    // otherwise wait out their lease (up to queue.leaseSeconds) before anyone delivers them.
    const released = await app.queue.releaseOrphanedLeases();
    if (released > 0)
      log.info(
        { event: 'queue.leases-released', messages: released },
        'took back the claims of a stopped koppel',
      );
    const tenants = await syncableTenants(app.tenants, log);
    // Later looks only name what changed in the log: an incomplete tenant is not warned about every tick.
    const quiet = log.child({}, { level: 'silent' });
    await coordinator.join();
    // A killed predecessor's tenants (SQLite: any; PostgreSQL: of dead pids on this machine) at once.
    const orphaned = await coordinator.releaseOrphaned(app.store.dialect === 'sqlite', processAlive);
    if (orphaned > 0)
      log.info(
        { event: 'cluster.leases-released', leases: orphaned },
        'took back the leases of a stopped worker',
      );
    const busy = new Set<string>();
    let lastTickAt = 0;
    const tick = async () => {
      const result = await coordinator.tick(await syncableTenants(app.tenants, quiet), busy);
      lastTickAt = clock.now();
      for (const tenant of result.acquired) app.metrics.leaseOwner(tenant, coordinator.workerId);
      for (const tenant of [...result.released, ...result.lost]) app.metrics.leaseOwner(tenant, null);
      return result;
    };
    // Ready while its last lease renewal is younger than a lease: its tenants (or none) are its own.
    const leaseFresh = () => clock.now() - lastTickAt < coordinator.leaseMs;
    const first = await tick();
    // `koppel worker` serves its probes unless it does one round only; `koppel run` brings its own.
    const startBeside = options.beside ?? (options.once ? undefined : () => opsListener(app, leaseFresh));
    beside = await startBeside?.();
    printStart(app, io, options.name, tenants, first.workers, released);
    for (const line of beside?.lines ?? []) io.out(line);

    const worked = new Set<string>();
    const syncRound = async () => {
      // A tenant whose lease moved is forgotten: if it comes back, it starts from the store afresh.
      for (const tenant of [...worked])
        if (!coordinator.holds(tenant) && !busy.has(tenant)) {
          worked.delete(tenant);
          await engine.forget(tenant);
        }
      let failed = 0;
      const mine = coordinator.held();
      for (const tenant of mine) {
        if (stopping.signal.aborted) break;
        if (!coordinator.holds(tenant)) continue;
        busy.add(tenant);
        worked.add(tenant);
        // With sync.round at its end: when this worker worked for which tenant (the cluster test reads it).
        log.debug({ event: 'sync.round-start', tenant, worker: coordinator.workerId }, 'sync round starts');
        try {
          failed += (await syncAllOnce(engine, [tenant], log)).failed;
          await interactionsPass(app, tenant);
        } finally {
          busy.delete(tenant);
        }
      }
      return { failed, tenants: mine.length };
    };
    const jobsRound = async () => {
      if (await cluster.jobs.claim('retention', RETENTION_INTERVAL_MS))
        await retentionRound(app).catch((error) => log.error({ err: error }, 'retention failed'));
      if (await cluster.jobs.claim('incident-due-jobs', DUE_JOBS_INTERVAL_MS))
        await runDueJobs(app.dueJobs, log);
    };
    const progress = startLoadProgress({ engine, tenants, out: io.out, clock });
    // The heartbeat renews the leases during long rounds too (a first load takes minutes).
    const heartbeat = every(clock, (config.cluster.leaseSeconds * 1000) / HEARTBEATS_PER_LEASE, () =>
      tick().catch((error) =>
        log.error({ event: 'cluster.tick-failed', err: error }, 'lease renewal failed'),
      ),
    );
    try {
      const firstRound = await syncRound();
      await jobsRound();
      if (options.once) {
        if (firstRound.tenants > 0 && firstRound.failed === firstRound.tenants)
          // Thrown, so main() prints it and returns 1 (a process.exitCode set here was overwritten by bin.ts).
          throw new Error(`every tenant's round failed (${coordinator.held().join(', ')}); see the log`);
        return;
      }
      const sync = repeat(clock, config.sync.pollIntervalSeconds * 1000, syncRound, stopping.signal);
      const jobs = every(
        clock,
        Math.min(RETENTION_INTERVAL_MS, DUE_JOBS_INTERVAL_MS) / JOB_CHECKS_PER_INTERVAL,
        jobsRound,
      );
      // Only now: whoever waits for this line may stop koppel at once, and must find the handlers set.
      io.out(`${options.name} is running; press Ctrl-C to stop`);
      await stopped;
      // The grace wait is cancelled once the round ends: a pending timer would keep the process alive.
      const grace = new AbortController();
      const ended = await Promise.race([
        Promise.all([sync, jobs.stop()]).then(() => true),
        clock.sleep(STOP_GRACE_MS, grace.signal).then(
          () => false,
          () => false,
        ),
      ]);
      grace.abort();
      if (!ended)
        log.warn(
          { event: 'worker.stop-timeout', tenants: [...busy] },
          'the round under way did not end in time; its tenants are given up anyway',
        );
    } finally {
      await heartbeat.stop();
      progress.stop();
      const given = await coordinator.leave();
      const claims = await cluster.releaseQueueClaims();
      log.info(
        { event: 'cluster.left', worker: coordinator.workerId, tenants: given, claims },
        'left the cluster',
      );
    }
  } finally {
    await beside?.close();
    await app.close();
    lock?.release();
  }
  io.out(`${options.name} stopped`);
}

/** `work` now and then every `ms` after each run ends, until `signal` aborts (which also cuts the wait). */
async function repeat(clock: App['clock'], ms: number, work: () => Promise<unknown>, signal: AbortSignal) {
  while (!signal.aborted) {
    await clock.sleep(ms, signal).catch(() => {});
    if (!signal.aborted) await work();
  }
}

function printStart(
  app: App,
  io: CliIo,
  name: string,
  tenants: readonly string[],
  workers: number,
  released: number,
): void {
  const { config } = app;
  io.out(`${name} is starting`);
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
  const mine = app.cluster.coordinator.held();
  io.out(
    `  cluster:     worker ${app.cluster.coordinator.workerId}, ${workers} live worker(s), holding ${mine.length ? mine.join(', ') : 'no tenants yet'} (lease ${config.cluster.leaseSeconds} s)`,
  );
  if (released > 0)
    io.out(
      `  queue:       took back ${released} messages claimed by a koppel that stopped without finishing`,
    );
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
