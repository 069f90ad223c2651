import type { Command } from 'commander';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { table } from '../format.js';

export function auditCommand(program: Command, io: CliIo): void {
  const audit = program
    .command('audit')
    .description('the append-only, hash-chained audit log of administrative actions');
  const globals = () => program.opts<GlobalOptions>();

  audit
    .command('list')
    .description('entries, oldest first: when, who, from where, what, on what, result')
    .option('--since <time>', 'only entries at or after this ISO date or time, e.g. 2026-12-01')
    .option('--json', 'print JSON')
    .action((options: { since?: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const since = options.since === undefined ? undefined : Date.parse(options.since);
        if (since !== undefined && Number.isNaN(since))
          throw new Error(
            `--since "${options.since}" is not a date or time such as 2026-12-01 or 2026-12-01T08:00Z`,
          );
        const entries = await app.audit.list({ since });
        if (options.json) return io.out(JSON.stringify(entries, null, 2));
        if (entries.length === 0) return io.out('no audit entries');
        const rows = entries.map((e) => [
          String(e.seq),
          new Date(e.at).toISOString(),
          e.actor,
          e.address,
          e.action,
          e.target ?? '-',
          e.result,
        ]);
        for (const line of table(['seq', 'at', 'actor', 'from', 'action', 'target', 'result'], rows))
          io.out(line);
      }),
    );

  audit
    .command('verify')
    .description('recompute the hash chain; exits 1 naming the first entry that does not match')
    .action(() =>
      withApp(globals(), io, async (app) => {
        const result = await app.audit.verify();
        // Thrown, so main() prints it and exits 1 (a process.exitCode set here would be overwritten).
        if (!result.ok)
          throw new Error(
            `audit chain broken at entry ${result.badSeq}: ${result.why} (${result.entries} entries before it verified)`,
          );
        io.out(`audit chain verified: ${result.entries} entries`);
        io.out(`head: ${result.head}`);
      }),
    );
}
