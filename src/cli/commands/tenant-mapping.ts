import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { categoriesInUse, parseSyncDefinition } from '../../sync/mapping/index.js';
import { checkAgainstSystems } from '../../tenants/check-mapping.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, pathFrom, withApp } from '../context.js';

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
          input = JSON.parse(readFileSync(pathFrom(io, file), 'utf8'));
        } catch (error) {
          throw new ConfigError([`${file}: ${(error as Error).message}`]);
        }
        const def = parseSyncDefinition(input);
        if (options.check) await checkAgainstSystems(await app.tenants.settings(id), def);
        await app.definitions.save(id, input);
        await app.audit.append({
          ...cliActor(),
          action: 'mapping.set',
          target: id,
          result: 'ok',
          detail: { fields: def.fields.length, permissions: def.permissions.length },
        });
        io.out(
          `stored the sync definition of tenant ${id}: ${def.fields.length} fields, ${def.permissions.length} permission(s)`,
        );
      }),
    );
}
