import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { App } from '../../app.js';
import { incidentSummary } from '../../incidents/derive-incident.js';
import {
  clocksJson,
  type DisplayLang,
  formatAmsterdam,
  formatDuration,
} from '../../incidents/incident-clocks.js';
import { type Actor, INCIDENT_STATES, type IncidentState } from '../../incidents/incident-model.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';
import { table } from '../format.js';

/** The shell's actor: an operator at the machine (role cli), recorded as `cli:<user>`. */
function shellActor(): Actor {
  return { ...cliActor(), role: 'cli' };
}

/**
 * Acting as the DPO from the shell (closing needs the DPO): the named account must exist with role
 * dpo. The step is recorded as that DPO's, with the shell user as the address it came from.
 */
async function dpoActor(app: App, username: string): Promise<Actor> {
  const account = await app.admins.get(username);
  if (account?.role !== 'dpo')
    throw new Error(
      `--as-dpo ${username.slice(0, 40)}: there is no DPO account with that username (see koppel admin list)`,
    );
  return { actor: account.username, role: 'dpo', address: cliActor().actor };
}

/** An ISO 8601 moment with its zone: a bare local time would be ambiguous around a DST change. */
export function parseMoment(value: string, option: string): number {
  const ms = Date.parse(value);
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ||
    !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ||
    Number.isNaN(ms)
  )
    throw new Error(
      `${option} must be an ISO 8601 time with its zone, e.g. 2026-10-24T03:30+02:00 or 2026-10-24T01:30Z`,
    );
  return ms;
}

function parseState(value: string): IncidentState {
  if (!(INCIDENT_STATES as readonly string[]).includes(value))
    throw new Error(`state "${value.slice(0, 40)}" is not one of ${INCIDENT_STATES.join(', ')}`);
  return value as IncidentState;
}

function parseLang(value: string | undefined): DisplayLang {
  if (value === undefined || value === 'nl' || value === 'en') return value ?? 'nl';
  throw new Error('--lang must be nl or en');
}

/** `koppel incidents new|list|show|advance|note|measure|effects|lessons|evidence` (docs/incidents.md). */
export function incidentsRegisterCommands(incidents: Command, program: Command, io: CliIo): void {
  const globals = () => program.opts<GlobalOptions>();
  const collect = (value: string, previous: string[]) => [...previous, value];

  incidents
    .command('new')
    .description('register an incident or a suspicion; the DPO is e-mailed at once')
    .requiredOption('--title <title>', 'a short title (facts, no names of the people concerned)')
    .option('--tenant <id>', 'an affected customer (repeat for more)', collect, [])
    .option('--summary <text>', 'what is known so far')
    .option('--detected-at <iso>', 'when it was first noticed (default now), e.g. 2026-10-24T03:30+02:00')
    .option('--operator-is-controller', 'our own data (e.g. staff): our own 72 hours for the AP apply')
    .option('--json', 'print one JSON object')
    .action(
      (options: {
        title: string;
        tenant: string[];
        summary?: string;
        detectedAt?: string;
        operatorIsController?: boolean;
        json?: boolean;
      }) =>
        withApp(globals(), io, async (app) => {
          if (options.tenant.length === 0 && !options.operatorIsController)
            throw new Error(
              'name the affected customers with --tenant <id> (repeatable), or use --operator-is-controller for our own data',
            );
          const reported = await app.incidents.report(
            {
              title: options.title,
              summary: options.summary,
              tenants: options.tenant,
              detectedAt: options.detectedAt ? parseMoment(options.detectedAt, '--detected-at') : undefined,
              operatorIsController: options.operatorIsController ?? false,
            },
            shellActor(),
          );
          if (options.json)
            return io.out(
              JSON.stringify({
                id: reported.id,
                state: reported.state,
                dpoNotified: reported.dpoNotified,
                ...(reported.dpoNotifiedWhy ? { dpoNotifiedWhy: reported.dpoNotifiedWhy } : {}),
              }),
            );
          io.out(`registered incident ${reported.id} (state reported)`);
          io.out(
            reported.dpoNotified
              ? 'the DPO was e-mailed'
              : `warning: the DPO was NOT e-mailed: ${reported.dpoNotifiedWhy}`,
          );
          io.out(`next: koppel incidents advance ${reported.id} triage --reason "..."`);
        }),
    );

  incidents
    .command('list')
    .description('the incidents in the register')
    .option('--open', 'only those not closed')
    .option('--state <state>', 'only those in this state')
    .option('--json', 'print one JSON object')
    .action((options: { open?: boolean; state?: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const list = await app.incidents.list({
          open: options.open,
          state: options.state ? parseState(options.state) : undefined,
        });
        if (options.json) return io.out(JSON.stringify({ incidents: list.map(incidentSummary) }));
        if (list.length === 0) return io.out('no incidents');
        const rows = list.map((i) => [
          i.id,
          i.state,
          formatAmsterdam(i.reportedAt, 'en'),
          i.tenants.join(',') || '-',
          i.title,
        ]);
        for (const line of table(['id', 'state', 'reported (Amsterdam)', 'customers', 'title'], rows))
          io.out(line);
      }),
    );

  incidents
    .command('show <id>')
    .description('one incident: its state, clocks (in Amsterdam time) and timeline')
    .option('--lang <lang>', 'nl or en, for the times shown', 'nl')
    .option('--json', 'print one JSON object')
    .action((id: string, options: { lang?: string; json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const lang = parseLang(options.lang);
        const incident = await app.incidents.get(id);
        const clocks = clocksJson(await app.incidents.clocks(incident), lang);
        if (options.json) {
          const { events: _events, ...rest } = incident;
          return io.out(JSON.stringify({ ...rest, clocks }));
        }
        io.out(`${incident.id}: ${incident.title}`);
        io.out(`state:      ${incident.state}`);
        io.out(`customers:  ${incident.tenants.join(', ') || '-'}`);
        io.out(`detected:   ${formatAmsterdam(incident.detectedAt, lang)} (${clocks.sinceDetection} ago)`);
        if (incident.awareAt !== null) io.out(`aware:      ${formatAmsterdam(incident.awareAt, lang)}`);
        for (const d of clocks.deadlines)
          io.out(
            `deadline:   ${d.name}${d.tenantId ? ` (${d.tenantId})` : ''}: due ${d.dueDisplay}, ${d.state}${d.state === 'open' ? `, ${formatDuration(d.leftMs)} left` : ''}`,
          );
        if (incident.delayReasons.length > 0) io.out(`delays:     ${incident.delayReasons.join(' | ')}`);
        if (incident.lessonsLearned) io.out(`lessons:    ${incident.lessonsLearned}`);
        io.out('timeline:');
        for (const entry of incident.timeline)
          io.out(`  ${formatAmsterdam(entry.at, lang)}  ${entry.by}: ${entry.text}`);
      }),
    );

  incidents
    .command('advance <id> <state>')
    .description(`the next step of the workflow (${INCIDENT_STATES.join(' -> ')}; see docs/incidents.md)`)
    .requiredOption('--reason <text>', 'why (the justification, for a confirmed breach)')
    .option('--aware-at <iso>', 'with breach-confirmed: the moment of awareness, which starts the clocks')
    .option('--delay-reason <text>', 'past a deadline: the reason for the delay (goes into the AP sheet)')
    .option('--as-dpo <username>', 'take the step as this DPO account (closing needs the DPO)')
    .option('--json', 'print one JSON object')
    .action(
      (
        id: string,
        state: string,
        options: { reason: string; awareAt?: string; delayReason?: string; asDpo?: string; json?: boolean },
      ) =>
        withApp(globals(), io, async (app) => {
          const actor = options.asDpo ? await dpoActor(app, options.asDpo) : shellActor();
          const incident = await app.incidents.advance(
            id,
            parseState(state),
            {
              reason: options.reason,
              awareAt: options.awareAt ? parseMoment(options.awareAt, '--aware-at') : undefined,
              delayReason: options.delayReason,
            },
            actor,
          );
          if (options.json) return io.out(JSON.stringify(incidentSummary(incident)));
          io.out(`incident ${incident.id} is now ${incident.state}`);
        }),
    );

  const appendText = (
    name: string,
    description: string,
    body: (text: string, options: Record<string, unknown>) => Parameters<App['incidents']['append']>[1],
    extra?: (command: Command) => Command,
  ) => {
    let command = incidents
      .command(`${name} <id>`)
      .description(description)
      .requiredOption(
        '--text <text>',
        'the text (facts; categories and counts, never names of the people concerned)',
      );
    if (extra) command = extra(command);
    command.action((id: string, options: { text: string } & Record<string, unknown>) =>
      withApp(globals(), io, async (app) => {
        const incident = await app.incidents.append(id, body(options.text, options), shellActor());
        io.out(`recorded on ${incident.id} (event ${incident.events.length})`);
      }),
    );
  };

  appendText('note', 'add a note to the history', (text) => ({ type: 'note', text }));
  appendText(
    'measure',
    'record a measure taken or planned',
    (text, options) => {
      if (Boolean(options.taken) === Boolean(options.planned))
        throw new Error('give exactly one of --taken or --planned');
      return { type: 'measure', kind: options.taken ? 'taken' : 'planned', text };
    },
    (c) => c.option('--taken', 'already taken').option('--planned', 'still planned'),
  );
  appendText('effects', 'record the effects (consequences) as known now', (text) => ({
    type: 'edited',
    effects: text,
  }));
  appendText('lessons', 'record the lessons learned (needed before closing)', (text) => ({
    type: 'lessons-learned',
    text,
  }));

  const evidence = incidents
    .command('evidence')
    .description('evidence files: stored encrypted, listed by name and hash');
  evidence
    .command('add <id> <file>')
    .description('store a file as evidence (size limit incidents.evidenceMaxBytes)')
    .action((id: string, file: string) =>
      withApp(globals(), io, async (app) => {
        const path = pathFrom(io, file);
        const size = statSync(path).size;
        const max = app.config.incidents.evidenceMaxBytes;
        if (size > max)
          throw new Error(
            `${basename(file)} is ${size} bytes; the limit is ${max} bytes (incidents.evidenceMaxBytes)`,
          );
        const ref = await app.incidents.evidence.add(id, basename(file), readFileSync(path), shellActor());
        io.out(`stored ${ref.name} as ${ref.id} (${ref.bytes} bytes, sha256 ${ref.sha256})`);
      }),
    );
  evidence
    .command('list <id>')
    .description('the evidence files of an incident, by name, size and SHA-256')
    .option('--json', 'print one JSON object')
    .action((id: string, options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const list = await app.incidents.evidence.list(id);
        if (options.json) return io.out(JSON.stringify({ evidence: list }));
        if (list.length === 0) return io.out('no evidence');
        const rows = list.map((e) => [
          e.id,
          e.name,
          String(e.bytes),
          e.sha256,
          formatAmsterdam(e.addedAt, 'en'),
          e.addedBy,
        ]);
        for (const line of table(['id', 'name', 'bytes', 'sha256', 'added', 'by'], rows)) io.out(line);
      }),
    );
}
