import type { Command } from 'commander';
import { RETENTION_INTERVAL_MS, type RetentionClassStatus } from '../../retention/retention-job.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { age, table } from '../format.js';

export function retentionCommand(program: Command, io: CliIo): void {
  const retention = program
    .command('retention')
    .description('automatic deletion: what koppel holds per class of data, and when it is deleted');
  const globals = () => program.opts<GlobalOptions>();

  retention
    .command('status')
    .description('per class: the rule, how many items, the oldest, when it is due and when the job last ran')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const status = await app.retention.status();
        if (options.json) return io.out(JSON.stringify(status, null, 2));
        for (const line of describe(status, app.clock.now())) io.out(line);
      }),
    );

  retention
    .command('run')
    .description('run every purge once now (koppel start does this every minute)')
    .action(() =>
      withApp(globals(), io, async (app) => {
        const result = await app.retention.run();
        for (const [id, n] of Object.entries(result.purged)) io.out(`${id}: deleted ${n}`);
        const errors = Object.entries(result.errors);
        for (const [id, why] of errors) io.err(`${id}: failed: ${why}`);
        if (errors.length > 0) throw new Error('retention did not complete; see above');
      }),
    );
}

function when(ms: number | null, now: number): string {
  if (ms === null) return '-';
  return ms <= now ? `${age(ms, now)} ago` : `in ${age(now, ms)}`;
}

function nextDeletion(s: RetentionClassStatus, now: number): string {
  if (!s.purgedByJob) return s.id === 'queue-payloads' ? 'on delivery' : 'not deleted by age';
  if (s.dueAt === null) return 'nothing waiting';
  // Messages go when delivered; the due date is only their maximum age.
  if (s.dueAt > now && s.id === 'queue-payloads') return `on delivery, expires in ${age(now, s.dueAt)}`;
  if (s.dueAt > now) return `in ${age(now, s.dueAt)}`;
  // Due already: it goes at the next round, which is late if the job has not run for a while.
  const next = s.nextRunAt;
  if (next !== null && next + RETENTION_INTERVAL_MS >= now) return 'at the next round';
  return 'overdue: is koppel start running?';
}

function describe(status: readonly RetentionClassStatus[], now: number): string[] {
  const rows = status.map((s) => [
    s.id,
    String(s.items),
    s.oldestAt === null ? '-' : age(s.oldestAt, now),
    nextDeletion(s, now),
    !s.purgedByJob ? '-' : s.lastRun === null ? 'never' : when(s.lastRun.ranAt, now),
  ]);
  const lines = table(['class', 'items', 'oldest', 'next deletion', 'job last ran'], rows);
  lines.push('', 'Rules:');
  for (const s of status) lines.push(`  ${s.id}: ${s.policy}`);
  for (const s of status) {
    if (s.lastRun?.error) lines.push(`  ${s.id}: the last purge FAILED: ${s.lastRun.error}`);
  }
  return lines;
}
