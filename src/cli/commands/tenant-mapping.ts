import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OrgThrottleRegistry } from '../../connectors/dynamics/org-throttle.js';
import { ConfigError } from '../../errors.js';
import {
  assertDefinitionMatchesSystems,
  categoriesInUse,
  parseSyncDefinition,
} from '../../sync/mapping/index.js';
import { dataverseClientFor, mailplusClientFor } from '../../tenants/connect.js';
import type { TenantSettings } from '../../tenants/tenant-settings.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

export function tenantMappingCommand(tenant: Command, globals: () => GlobalOptions, io: CliIo): void {
  const mapping = tenant
    .command('mapping')
    .description("a tenant's sync definition: scope, field mapping, permissions (see docs/mapping.md)");

  mapping
    .command('show <id>')
    .description('print the definition in use (the default mapping when none was set)')
    .action((id: string) =>
      withApp(globals(), io, async (app) => {
        const def = await app.definitions.get(id);
        io.out(JSON.stringify(def, null, 2));
        io.out(`data categories in use: ${categoriesInUse(def).join(', ')}`);
      }),
    );

  mapping
    .command('set <id> <file>')
    .description('validate a JSON definition, check it against both systems, and store it')
    .option('--no-check', 'do not ask Dataverse and Mail+ whether the columns and properties exist')
    .action((id: string, file: string, options: { check: boolean }) =>
      withApp(globals(), io, async (app) => {
        let input: unknown;
        try {
          input = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new ConfigError([`${file}: ${(error as Error).message}`]);
        }
        const def = parseSyncDefinition(input);
        if (options.check) await checkAgainstSystems(await app.tenants.settings(id), def);
        await app.definitions.save(id, input);
        io.out(
          `stored the sync definition of tenant ${id}: ${def.fields.length} fields, ${def.permissions.length} permission(s)`,
        );
      }),
    );
}

/** Asks Mail+ for the account's properties and Dataverse for one contact's columns. */
async function checkAgainstSystems(
  settings: TenantSettings,
  def: ReturnType<typeof parseSyncDefinition>,
): Promise<void> {
  const mailplus = mailplusClientFor(settings.mailplus, { throttles: new OrgThrottleRegistry() });
  const dataverse = dataverseClientFor(settings.dataverse, { throttles: new OrgThrottleRegistry() });
  try {
    const mailplusProperties = await mailplus.listProperties();
    // Without $select Dataverse returns every column of the row, which names the table's columns.
    let dataverseColumns: string[] = [];
    for await (const page of dataverse.contacts({ select: [], pageSize: 1 })) {
      dataverseColumns = Object.keys(page[0] ?? {}).filter((k) => !k.includes('@'));
      break;
    }
    assertDefinitionMatchesSystems(def, { mailplusProperties, dataverseColumns });
  } finally {
    await mailplus.close();
    await dataverse.close();
  }
}
