import type { Command } from 'commander';
import {
  parseSettingValue,
  SECRET_FIELDS,
  SETTING_FIELDS,
  type TenantSettings,
} from '../../tenants/tenant-settings.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { table } from '../format.js';
import { tenantContactsCommand } from './tenant-contacts.js';
import { tenantMappingCommand } from './tenant-mapping.js';
import { tenantPauseCommand } from './tenant-pause.js';
import { tenantRemovalsCommand } from './tenant-removals.js';
import { tenantTerminateCommand } from './tenant-terminate.js';
import { testConnectionCommand } from './tenant-test-connection.js';

export function tenantCommand(program: Command, io: CliIo, readStdin: () => Promise<string>): void {
  const tenant = program
    .command('tenant')
    .description('customers (tenants) and their connection settings, stored encrypted');
  const globals = () => program.opts<GlobalOptions>();

  tenant
    .command('add <id>')
    .description('add a tenant; the id is a short lowercase name such as "acme"')
    .requiredOption('--name <name>', 'the customer\'s name, e.g. "Acme BV"')
    .action((id: string, options: { name: string }) =>
      withApp(globals(), io, async (app) => {
        await app.tenants.add(id, options.name);
        await app.keys.current(id);
        await app.audit.append({ ...cliActor(), action: 'tenant.add', target: id, result: 'ok' });
        io.out(
          `added tenant ${id}; next: koppel tenant set ${id} dataverse.baseUrl=... (see koppel tenant set --help)`,
        );
      }),
    );

  tenant
    .command('list')
    .description('all tenants with their status and which sides are configured')
    .action(() =>
      withApp(globals(), io, async (app) => {
        const tenants = await app.tenants.list();
        if (tenants.length === 0)
          return io.out('no tenants yet; add one with: koppel tenant add <id> --name "<name>"');
        const rows = await Promise.all(
          tenants.map(async (t) => {
            const s = t.status === 'terminated' ? undefined : await app.tenants.settings(t.id);
            return [t.id, t.name, t.status, s ? configured(s) : '-'];
          }),
        );
        for (const line of table(['id', 'name', 'status', 'configured'], rows)) io.out(line);
      }),
    );

  tenant
    .command('show <id>')
    .description('one tenant and its settings (secrets are never shown)')
    .action((id: string) =>
      withApp(globals(), io, async (app) => {
        const t = await app.tenants.get(id);
        io.out(`id:       ${t.id}`);
        io.out(`name:     ${t.name}`);
        io.out(`status:   ${t.status}`);
        io.out(`created:  ${new Date(t.createdAt).toISOString()}`);
        if (t.status === 'terminated') return;
        for (const line of describeSettings(await app.tenants.settings(id))) io.out(line);
      }),
    );

  tenant
    .command('set <id> <assignments...>')
    .description('change settings, e.g. dataverse.clientId=... ; "field=" clears a field')
    .addHelpText(
      'after',
      `\nSettable fields:\n  ${SETTING_FIELDS.join('\n  ')}\n\nSecrets (${[...SECRET_FIELDS].join(', ')}) are never taken from the command line:\n  field=-        read the value from standard input\n  field=env:NAME read it from environment variable NAME`,
    )
    .action((id: string, assignments: string[]) =>
      withApp(globals(), io, async (app) => {
        const changes: Record<string, unknown> = {};
        const parsed = assignments.map(splitAssignment);
        if (parsed.filter((a) => a.raw === '-').length > 1)
          throw new Error('only one field can be read from standard input per command');
        for (const { field, raw } of parsed) {
          changes[field] = parseSettingValue(field, await resolveValue(field, raw, io, readStdin));
        }
        await app.tenants.updateSettings(id, changes);
        // Field names only, never the values.
        await app.audit.append({
          ...cliActor(),
          action: 'tenant.set',
          target: id,
          result: 'ok',
          detail: { fields: Object.keys(changes) },
        });
        io.out(`updated ${Object.keys(changes).join(', ')} of tenant ${id}`);
      }),
    );

  testConnectionCommand(tenant, globals, io);
  tenantMappingCommand(tenant, globals, io);
  tenantTerminateCommand(tenant, globals, io);
  tenantContactsCommand(tenant, globals, io, readStdin);
  tenantRemovalsCommand(tenant, globals, io);
  tenantPauseCommand(tenant, globals, io);
}

function splitAssignment(assignment: string): { field: string; raw: string } {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new Error(`"${assignment}" is not field=value`);
  return { field: assignment.slice(0, eq), raw: assignment.slice(eq + 1) };
}

/**
 * The value of one assignment. A secret given on the command line would be readable by every user
 * of the machine (/proc/<pid>/cmdline) and kept in shell history, so secrets come only from standard
 * input or the environment; an empty one is refused, because it would silently clear the secret.
 */
async function resolveValue(
  field: string,
  raw: string,
  io: CliIo,
  readStdin: () => Promise<string>,
): Promise<string> {
  const secret = SECRET_FIELDS.has(field);
  let value = raw;
  if (raw === '-') value = (await readStdin()).trim();
  else if (raw.startsWith('env:')) {
    const fromEnv = io.env[raw.slice(4)];
    if (fromEnv === undefined) throw new Error(`environment variable ${raw.slice(4)} is not set`);
    value = fromEnv;
  } else if (secret && raw !== '') {
    throw new Error(
      `${field} is a secret and is never taken from the command line (other users can read it there): pass ${field}=- and give it on standard input, or ${field}=env:NAME to read environment variable NAME`,
    );
  }
  if (secret && raw !== '' && value === '') {
    throw new Error(
      `${field}: ${raw === '-' ? 'standard input' : `environment variable ${raw.slice(4)}`} is empty; nothing was changed (to clear the secret, give ${field}= )`,
    );
  }
  return value;
}

function configured(s: TenantSettings): string {
  const sides = [
    s.dataverse.clientSecret ? 'dataverse' : '',
    s.mailplus.consumerSecret ? 'mailplus' : '',
  ].filter(Boolean);
  return sides.length ? sides.join(', ') : 'nothing yet';
}

function describeSettings(s: TenantSettings): string[] {
  const lines: string[] = [];
  for (const side of ['dataverse', 'mailplus'] as const) {
    lines.push(`${side}:`);
    const entries = Object.entries(s[side]);
    if (entries.length === 0) lines.push('  (not configured)');
    for (const [field, value] of entries) {
      const shown = SECRET_FIELDS.has(`${side}.${field}`) ? '(set, hidden)' : String(value);
      lines.push(`  ${field}: ${shown}`);
    }
  }
  return lines;
}
