import type { Command } from 'commander';
import type { DeadLetter } from '../../queue/queue.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { age, parseIds, positiveInteger, table } from '../format.js';

const MAX_LIST = 10_000;

interface ListOptions {
  tenant?: string;
  queue?: string;
  limit: number;
  json?: boolean;
}

export function dlqCommand(program: Command, io: CliIo): void {
  const dlq = program
    .command('dlq')
    .description(
      'dead letters: messages that failed permanently or too often (kept at most 14 days, payloads never shown)',
    );
  const globals = () => program.opts<GlobalOptions>();

  dlq
    .command('list')
    .description('list dead letters: id, tenant, queue, key, reason and age')
    .option('--tenant <id>', 'only this tenant')
    .option('--queue <name>', 'only this queue')
    .option('--limit <n>', 'at most this many (1-10000)', positiveInteger(MAX_LIST), 100)
    .option('--json', 'print JSON instead of a table')
    .action((options: ListOptions) =>
      withApp(globals(), io, async (app) => {
        const letters = await app.queue.listDeadLetters({
          tenantId: options.tenant,
          queue: options.queue,
          limit: options.limit,
        });
        if (options.json) return io.out(JSON.stringify(letters, null, 2));
        if (letters.length === 0) return io.out('no dead letters');
        const now = app.clock.now();
        const rows = letters.map((d) => [
          String(d.seq),
          d.tenantId,
          d.queue,
          d.key ?? '-',
          d.reason,
          age(d.deadLetteredAt, now),
        ]);
        for (const line of table(['id', 'tenant', 'queue', 'key', 'reason', 'age'], rows)) io.out(line);
      }),
    );

  dlq
    .command('show <id>')
    .description('everything about one dead letter except its payload')
    .action((id: string) =>
      withApp(globals(), io, async (app) => {
        const letter = await app.queue.getDeadLetter(parseIds([id])[0]!);
        // Its description may quote what a remote system echoed back: reading it is audited.
        await app.audit.append({
          ...cliActor(),
          action: 'dlq.view',
          target: id,
          result: letter ? 'ok' : 'failed',
        });
        if (!letter) throw new Error(`no dead letter with id ${id}`);
        for (const line of describe(letter)) io.out(line);
      }),
    );

  dlq
    .command('replay [ids...]')
    .description('put dead letters back at the end of their queue with a fresh delivery count')
    .option('--all', 'replay every dead letter')
    .action((ids: string[], options: { all?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const seqs = options.all
          ? (await app.queue.listDeadLetters({ limit: 1_000_000 })).map((d) => d.seq)
          : parseIds(ids);
        if (seqs.length === 0) throw new Error('name the ids to replay, or pass --all');
        const count = await app.queue.replayDeadLetters(seqs);
        await app.audit.append({
          ...cliActor(),
          action: 'dlq.replay',
          target: options.all ? 'all' : seqs.slice(0, 50).join(','),
          result: 'ok',
          detail: { count },
        });
        io.out(`replayed ${count} dead letter(s)`);
      }),
    );

  dlq
    .command('purge [ids...]')
    .description('delete dead letters now, with their encrypted payloads')
    .option('--all', 'purge every dead letter')
    .action((ids: string[], options: { all?: boolean }) =>
      withApp(globals(), io, async (app) => {
        if (!options.all && ids.length === 0) throw new Error('name the ids to purge, or pass --all');
        const purged = await app.queue.purgeDeadLetters(options.all ? 'all' : parseIds(ids));
        await app.audit.append({
          ...cliActor(),
          action: 'dlq.purge',
          target: options.all ? 'all' : ids.slice(0, 50).join(','),
          result: 'ok',
          detail: { count: purged },
        });
        io.out(`purged ${purged} dead letter(s)`);
      }),
    );
}

function describe(d: DeadLetter): string[] {
  return [
    `id:              ${d.seq}`,
    `tenant:          ${d.tenantId}`,
    `queue:           ${d.queue}`,
    `message id:      ${d.messageId}`,
    `key:             ${d.key ?? '-'}`,
    `reason:          ${d.reason}`,
    `description:     ${d.description ?? '-'}`,
    `deliveries:      ${d.deliveryCount}`,
    `enqueued at:     ${new Date(d.enqueuedAt).toISOString()}`,
    `dead-lettered:   ${new Date(d.deadLetteredAt).toISOString()}`,
    `payload:         ${d.payloadBytes} bytes, encrypted (not shown)`,
  ];
}
