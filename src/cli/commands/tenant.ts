import type { Command } from 'commander';
import {
  parseSettingValue,
  SECRET_FIELDS,
  SETTING_FIELDS,
  type TenantSettings,
} from '../../tenants/tenant-settings.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { table } from '../format.js';
import { tenantMappingCommand } from './tenant-mapping.js';
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
      `\nSettable fields:\n  ${SETTING_FIELDS.join('\n  ')}\n\nFor a secret, keep it out of your shell history:\n  field=-        read the value from standard input\n  field=env:NAME read it from environment variable NAME`,
    )
    .action((id: string, assignments: string[]) =>
      withApp(globals(), io, async (app) => {
        const changes: Record<string, unknown> = {};
        for (const assignment of assignments) {
          const eq = assignment.indexOf('=');
          if (eq < 1) throw new Error(`"${assignment}" is not field=value`);
          const field = assignment.slice(0, eq);
          changes[field] = parseSettingValue(
            field,
            await resolveValue(assignment.slice(eq + 1), io, readStdin),
          );
        }
        await app.tenants.updateSettings(id, changes);
        io.out(`updated ${Object.keys(changes).join(', ')} of tenant ${id}`);
      }),
    );

  testConnectionCommand(tenant, globals, io);
  tenantMappingCommand(tenant, globals, io);
  tenantTerminateCommand(tenant, globals, io);
}

async function resolveValue(raw: string, io: CliIo, readStdin: () => Promise<string>): Promise<string> {
  if (raw === '-') return (await readStdin()).trim();
  if (raw.startsWith('env:')) {
    const value = io.env[raw.slice(4)];
    if (value === undefined) throw new Error(`environment variable ${raw.slice(4)} is not set`);
    return value;
  }
  return raw;
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
