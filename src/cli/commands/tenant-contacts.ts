import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import type { TenantContacts } from '../../tenants/tenant-contacts.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';

/** `koppel tenant contacts show|set`: the controller's details and its breach-notice contacts. */
export function tenantContactsCommand(
  tenant: Command,
  globals: () => GlobalOptions,
  io: CliIo,
  readStdin: () => Promise<string>,
): void {
  const contacts = tenant
    .command('contacts')
    .description(
      "a tenant's controller details and breach-notice contacts, stored encrypted (docs/notifications.md)",
    );

  contacts
    .command('show <tenant>')
    .description('the controller details and the contact persons in the order they are tried')
    .option('--json', 'print one JSON object')
    .action((id: string, options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const found = await app.tenantContacts.get(id);
        if (options.json) return io.out(JSON.stringify({ tenant: id, contacts: found }));
        if (!found)
          return io.out(
            `tenant ${id} has no breach-notice contacts; set them with: koppel tenant contacts set ${id} <file.json>`,
          );
        for (const line of describe(found)) io.out(line);
      }),
    );

  contacts
    .command('set <tenant> [file]')
    .description('validate a JSON document (the file, or standard input) and store it, replacing the old one')
    .action((id: string, file: string | undefined) =>
      withApp(globals(), io, async (app) => {
        const text = file ? readText(pathFrom(io, file)) : await readStdin();
        let input: unknown;
        try {
          input = JSON.parse(text);
        } catch (error) {
          throw new ConfigError([
            `${file ?? 'standard input'}: is not valid JSON (${(error as Error).message})`,
          ]);
        }
        let stored: TenantContacts;
        try {
          stored = await app.tenantContacts.set(id, input);
        } catch (error) {
          await app.audit.append({
            ...cliActor(),
            action: 'tenant.contacts.set',
            target: id,
            result: 'failed',
          });
          throw error;
        }
        // Counts only: the names and numbers are personal data.
        await app.audit.append({
          ...cliActor(),
          action: 'tenant.contacts.set',
          target: id,
          result: 'ok',
          detail: { contacts: stored.contacts.length },
        });
        io.out(`stored ${stored.contacts.length} breach-notice contact(s) for tenant ${id}`);
      }),
    );
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

function describe(c: TenantContacts): string[] {
  const p = c.controller.privacyContact;
  return [
    `controller:   ${c.controller.legalName} (KvK ${c.controller.kvk})`,
    `address:      ${c.controller.address}`,
    `privacy:      ${p.name}, ${p.email}, ${p.phone}`,
    `notice within: ${c.notificationHours === undefined ? 'processor.notificationHours' : `${c.notificationHours} h`}`,
    'contacts (tried in this order):',
    ...c.contacts.map((x, i) => `  ${i + 1}. ${x.name} (${x.role}), ${x.email}, ${x.phone}, ${x.language}`),
  ];
}
