import type { Command } from 'commander';
import type { ClusterStatus } from '../../cluster/cluster.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { age, table } from '../format.js';

/** `koppel status`: the cluster around this store: workers, the tenants each holds, every lease. */
export function statusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description(
      'the workers around this store, the tenants each one holds, their leases and the cluster jobs',
    )
    .option('--json', 'print one JSON object instead of tables')
    .action((options: { json?: boolean }) =>
      withApp(program.opts<GlobalOptions>(), io, async (app) => {
        const status = await app.cluster.status();
        const now = app.clock.now();
        if (options.json)
          return io.out(
            JSON.stringify({ at: now, leaseSeconds: app.config.cluster.leaseSeconds, ...status }),
          );
        for (const line of describe(status, now)) io.out(line);
      }),
    );
}

function describe(status: ClusterStatus, now: number): string[] {
  const lines: string[] = [];
  const live = status.workers.filter((w) => w.live);
  lines.push(
    `workers: ${live.length} live${status.workers.length > live.length ? `, ${status.workers.length - live.length} silent (stopped without leaving, or paused)` : ''}`,
  );
  if (status.workers.length > 0)
    lines.push(
      ...table(
        ['worker', 'state', 'started', 'heartbeat', 'tenants'],
        status.workers.map((w) => [
          w.workerId,
          w.live ? 'live' : 'silent',
          `${age(w.startedAt, now)} ago`,
          `${age(w.heartbeatAt, now)} ago`,
          w.tenants.join(', ') || '-',
        ]),
      ),
    );
  lines.push(
    '',
    `tenant leases: ${status.leases.filter((l) => l.live).length} held of ${status.leases.length}`,
  );
  if (status.leases.length > 0)
    lines.push(
      ...table(
        ['tenant', 'owner', 'token', 'expires'],
        status.leases.map((l) => [
          l.tenant,
          l.live ? l.owner! : '-',
          String(l.token),
          !l.live ? (l.owner === null ? 'released' : 'expired') : `in ${age(now, l.expiresAt)}`,
        ]),
      ),
    );
  if (status.jobs.length > 0)
    lines.push(
      '',
      ...table(
        ['job', 'last run', 'by'],
        status.jobs.map((j) => [
          j.job,
          j.lastRunAt ? `${age(j.lastRunAt, now)} ago` : 'never',
          j.owner ?? '-',
        ]),
      ),
    );
  return lines;
}
