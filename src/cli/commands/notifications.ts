import type { Command } from 'commander';
import type { OutboxState } from '../../notifications/outbox.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { table } from '../format.js';

const STATES: readonly OutboxState[] = ['pending', 'delivered', 'failed'];

/** `koppel notifications ...`: the mail outbox (kinds, ids, times, attempts; never recipients or texts). */
export function notificationsCommand(program: Command, io: CliIo): void {
  const globals = () => program.opts<GlobalOptions>();
  const notifications = program
    .command('notifications')
    .description('the e-mail outbox: what was sent, what waits, what failed (docs/notifications.md)');

  notifications
    .command('list')
    .description('every mail with its state and attempts; failed ones need a person')
    .option('--state <state>', `only ${STATES.join(' | ')}`)
    .option('--incident <id>', 'only the mails of one incident')
    .option('--json', 'print one JSON object')
    .action((options: { state?: string; incident?: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        if (options.state && !STATES.includes(options.state as OutboxState))
          throw new Error(`--state must be one of ${STATES.join(', ')}`);
        const mails = await app.mailOutbox.list({
          state: options.state as OutboxState | undefined,
          incidentId: options.incident,
        });
        if (options.json) return io.out(JSON.stringify({ mails }));
        if (mails.length === 0) return io.out('no mails');
        const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
        const rows = mails.map((m) => [
          m.id,
          m.kind,
          m.incidentId ?? '-',
          m.tenantId ?? '-',
          m.state,
          String(m.attempts),
          m.state === 'delivered' ? iso(m.deliveredAt) : iso(m.nextAttemptAt),
          m.lastError ?? '',
        ]);
        for (const line of table(
          ['id', 'kind', 'incident', 'tenant', 'state', 'attempts', 'at/next', 'last error'],
          rows,
        ))
          io.out(line);
        const failed = mails.filter((m) => m.state === 'failed').length;
        if (failed > 0)
          io.err(
            `${failed} mail(s) failed: fix SMTP (notifications.smtp), then koppel notifications retry <id>`,
          );
      }),
    );

  notifications
    .command('retry <id>')
    .description('put a failed mail back in line; the running koppel sends it')
    .action((id: string) =>
      withApp(globals(), io, async (app) => {
        if (!(await app.mailOutbox.retry(id)))
          throw new Error(`no failed mail ${id} (see koppel notifications list --state failed)`);
        await app.audit.append({ ...cliActor(), action: 'notifications.retry', target: id, result: 'ok' });
        io.out(`mail ${id} is pending again`);
      }),
    );

  notifications
    .command('deliver')
    .description('send every mail that is due now (koppel run does this every 30 seconds)')
    .option('--json', 'print one JSON object')
    .action((options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const result = await app.mailOutbox.deliverDue();
        if (options.json) return io.out(JSON.stringify(result));
        if (!result.configured)
          return io.out(
            'no SMTP server configured (notifications.smtp.url or $KOPPEL_SMTP_URL): nothing sent',
          );
        for (const o of result.outcomes) io.out(`${o.id} ${o.kind}: ${o.outcome} (${o.detail})`);
        if (result.outcomes.length === 0) io.out('nothing due');
      }),
    );
}
