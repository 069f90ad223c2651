import { type Command, InvalidArgumentError } from 'commander';
import type { Actor } from '../../incidents/incident-model.js';
import { CALL_OUTCOMES, type CallOutcome, type PhoneTask } from '../../incidents/phone-tasks.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

const shellActor = (): Actor => ({ ...cliActor(), role: 'cli' });

const contactNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new InvalidArgumentError('must be a contact number from 1 to 10');
  return n;
};

const outcome = (value: string): CallOutcome => {
  if (!CALL_OUTCOMES.includes(value as CallOutcome))
    throw new InvalidArgumentError(`must be one of ${CALL_OUTCOMES.join(', ')}`);
  return value as CallOutcome;
};

/**
 * `koppel incidents notify | ack | calls | call | update`: informing the affected customers
 * (docs/notifications.md). The running koppel escalates to the next contact by itself.
 */
export function incidentsNotifyCommands(incidents: Command, program: Command, io: CliIo): void {
  const globals = () => program.opts<GlobalOptions>();

  incidents
    .command('notify <id>')
    .description(
      'inform every affected customer: an e-mail with an acknowledgement code and a phone task per contact',
    )
    .option('--json', 'print one JSON object')
    .action((id: string, options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const result = await app.escalation.notify(id, shellActor());
        const count = (s: string) => result.tenants.filter((t) => t.status === s).length;
        await app.audit.append({
          ...cliActor(),
          action: 'incident.notify',
          target: id,
          result: count('failed') > 0 ? 'failed' : 'ok',
          detail: { notified: count('notified'), noContacts: count('no-contacts'), failed: count('failed') },
        });
        if (options.json) return io.out(JSON.stringify(result));
        io.out(`incident ${id}: ${result.state}`);
        for (const t of result.tenants) {
          if (t.status === 'notified')
            io.out(
              `  ${t.tenantId}: notice e-mail queued for contact ${t.contact} and a phone task made (koppel incidents calls ${id}); their 72 hours run until ${t.authorityDeadline}`,
            );
          else if (t.status === 'already-notified')
            io.out(
              `  ${t.tenantId}: already notified since ${t.since}${t.acknowledged ? ', acknowledged' : ''}`,
            );
          else io.out(`  ${t.tenantId}: ${t.status.toUpperCase()}: ${t.detail}`);
        }
        if (!app.config.notifications.smtp.url)
          io.err('no SMTP server configured: the e-mails wait in the outbox (koppel notifications list)');
      }),
    );

  incidents
    .command('ack <id>')
    .description("record a customer's acknowledgement with the code from its notice e-mail")
    .requiredOption('--tenant <tenant>', 'the customer (tenant id)')
    .requiredOption('--code <code>', 'the acknowledgement code, e.g. KM4T-9XQA-2C')
    .option('--json', 'print one JSON object')
    .action((id: string, options: { tenant: string; code: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        try {
          const result = await app.escalation.acknowledge(id, options.tenant, options.code, shellActor());
          await app.audit.append({
            ...cliActor(),
            action: 'incident.ack',
            target: id,
            result: 'ok',
            detail: { tenant: options.tenant },
          });
          if (options.json) return io.out(JSON.stringify(result));
          io.out(
            result.status === 'acknowledged'
              ? `tenant ${options.tenant} acknowledged (contact ${result.contact})${result.customersInformed ? `; every customer is informed: incident ${id} is customers-informed` : ''}`
              : `tenant ${options.tenant} had already acknowledged (contact ${result.contact})`,
          );
        } catch (error) {
          await app.audit.append({
            ...cliActor(),
            action: 'incident.ack',
            target: id,
            result: 'refused',
            detail: { tenant: options.tenant },
          });
          throw error;
        }
      }),
    );

  incidents
    .command('calls <id>')
    .description('the phone tasks: who to call, the number, what to say, and the recorded outcome')
    .option('--json', 'print one JSON object')
    .action((id: string, options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const tasks = await app.escalation.calls(id);
        if (options.json) return io.out(JSON.stringify({ incidentId: id, tasks }));
        if (tasks.length === 0)
          return io.out(`no phone tasks for incident ${id} (koppel incidents notify ${id})`);
        for (const line of tasks.flatMap(describeTask)) io.out(line);
      }),
    );

  incidents
    .command('call <id>')
    .description("record a phone call's outcome; reached acknowledges for the customer")
    .requiredOption('--tenant <tenant>', 'the customer (tenant id)')
    .requiredOption(
      '--contact <n>',
      'the contact number shown by koppel incidents calls (1 = first)',
      contactNumber,
    )
    .requiredOption('--outcome <outcome>', CALL_OUTCOMES.join(' | '), outcome)
    .option('--note <text>', 'what was agreed (no names or numbers: they are in the contact list)')
    .option('--json', 'print one JSON object')
    .action(
      (
        id: string,
        options: { tenant: string; contact: number; outcome: CallOutcome; note?: string; json?: boolean },
      ) =>
        withApp(globals(), io, async (app) => {
          const result = await app.escalation.recordCall(
            id,
            options.tenant,
            options.contact,
            options.outcome,
            options.note,
            shellActor(),
          );
          await app.audit.append({
            ...cliActor(),
            action: 'incident.call',
            target: id,
            result: 'ok',
            detail: { tenant: options.tenant, contact: options.contact, outcome: options.outcome },
          });
          if (options.json) return io.out(JSON.stringify(result));
          io.out(
            `recorded: contact ${options.contact} of ${options.tenant}: ${options.outcome}${result.acknowledged ? ' (acknowledged)' : ''}${result.customersInformed ? `; incident ${id} is customers-informed` : ''}`,
          );
        }),
    );

  incidents
    .command('update <id>')
    .description('send a numbered follow-up notice to each customer contact who acknowledged')
    .requiredOption(
      '--message <text>',
      'what is new (facts about the incident; no personal data of the people concerned)',
    )
    .option('--json', 'print one JSON object')
    .action((id: string, options: { message: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const results = await app.escalation.followUp(id, options.message, shellActor());
        await app.audit.append({
          ...cliActor(),
          action: 'incident.update',
          target: id,
          result: 'ok',
          detail: { sent: results.filter((r) => r.status === 'sent').length, tenants: results.length },
        });
        if (options.json) return io.out(JSON.stringify({ incidentId: id, tenants: results }));
        for (const r of results)
          io.out(
            r.status === 'sent'
              ? `  ${r.tenantId}: follow-up ${r.number} queued for contact ${r.contact}`
              : `  ${r.tenantId}: ${r.status}: ${r.detail}`,
          );
      }),
    );
}

function describeTask(t: PhoneTask): string[] {
  const who = t.name ? `${t.name} (${t.role}), ${t.phone}, ${t.language}` : '(contact no longer listed)';
  return [
    `${t.tenantId} contact ${t.contact} (round ${t.round}, ${new Date(t.createdAt).toISOString()}): ${who}`,
    `  outcome: ${t.outcome}${t.recordedBy ? ` by ${t.recordedBy}` : ''}${t.note ? ` - ${t.note}` : ''}`,
    ...(t.script && t.outcome === 'open' ? [`  script: ${t.script}`] : []),
  ];
}
