import type { Command } from 'commander';
import { setTenantPaused } from '../../tenants/tenant-pause.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

/** `koppel tenant pause|resume <id>`: stop and restart a tenant's sync without losing anything. */
export function tenantPauseCommand(tenant: Command, globals: () => GlobalOptions, io: CliIo): void {
  for (const action of ['pause', 'resume'] as const) {
    tenant
      .command(`${action} <id>`)
      .description(
        action === 'pause'
          ? "pause the tenant's sync: its rounds are skipped (data, settings and queue kept) until resumed"
          : "resume the tenant's sync at its next round",
      )
      .option('--json', 'print JSON')
      .action((id: string, options: { json?: boolean }) =>
        withApp(globals(), io, async (app) => {
          const result = await setTenantPaused(app.tenants, id, action === 'pause').catch(async (error) => {
            await app.audit.append({
              ...cliActor(),
              action: `tenant.${action}`,
              target: id,
              result: 'failed',
            });
            throw error;
          });
          await app.audit.append({
            ...cliActor(),
            action: `tenant.${action}`,
            target: id,
            result: 'ok',
            detail: { changed: result.changed },
          });
          if (options.json) return io.out(JSON.stringify(result));
          const done = action === 'pause' ? 'paused' : 'resumed';
          io.out(
            result.changed
              ? `tenant ${id}: ${done}`
              : `tenant ${id}: already ${result.status}; nothing changed`,
          );
        }),
      );
  }
}
