import type { Command } from 'commander';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { age, table } from '../format.js';

export function queueCommand(program: Command, io: CliIo): void {
  const queue = program.command('queue').description('inspect the durable queue');
  queue
    .command('stats')
    .description('messages per tenant and queue: ready, scheduled, in flight, dead-lettered, oldest')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      await withApp(program.opts<GlobalOptions>(), io, async (app) => {
        const stats = await app.queue.stats();
        if (options.json) return io.out(JSON.stringify(stats, null, 2));
        if (stats.length === 0) return io.out('the queue is empty');
        const now = app.clock.now();
        const rows = stats.map((s) => [
          s.tenantId,
          s.queue,
          String(s.ready),
          String(s.scheduled),
          String(s.inFlight),
          String(s.dead),
          s.oldestEnqueuedAt === null ? '-' : age(s.oldestEnqueuedAt, now),
        ]);
        for (const line of table(
          ['tenant', 'queue', 'ready', 'scheduled', 'in flight', 'dead', 'oldest'],
          rows,
        )) {
          io.out(line);
        }
      });
    });
}
