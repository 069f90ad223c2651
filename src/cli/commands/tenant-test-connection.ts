import type { Command } from 'commander';
import { OrgThrottleRegistry } from '../../connectors/dynamics/org-throttle.js';
import { testConnections } from '../../tenants/test-connection.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

export function testConnectionCommand(tenant: Command, globals: () => GlobalOptions, io: CliIo): void {
  tenant
    .command('test-connection <id>')
    .description('sign in to both sides with one harmless read each, and explain any failure in plain words')
    .action((id: string) =>
      withApp(globals(), io, async (app) => {
        const checks = await testConnections(await app.tenants.settings(id), {
          throttles: new OrgThrottleRegistry(),
        });
        for (const c of checks) {
          io.out(`${c.side.padEnd(9)}  ${c.ok ? 'OK  ' : 'FAIL'}  ${c.summary}`);
          if (c.advice) io.out(`${' '.repeat(17)}what to do: ${c.advice}`);
        }
        if (checks.some((c) => !c.ok))
          throw new Error(`tenant ${id}: ${checks.filter((c) => !c.ok).length} side(s) failed`);
      }),
    );
}
