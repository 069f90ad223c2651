import type { Command } from 'commander';
import { createApp } from '../../app.js';
import {
  AdminPortInUseError,
  type AdminServer,
  type AdminServerOptions,
  startAdminServer,
} from '../../server/admin-server.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';

export function serverCommand(program: Command, io: CliIo): void {
  program
    .command('server')
    .description(
      'the admin server alone (HTTPS, two-factor login, IP allowlist) until Ctrl-C; koppel run starts it too',
    )
    .action(async () => {
      const app = await createApp(configFrom(program.opts<GlobalOptions>(), io), { env: io.env });
      let server: AdminServer;
      try {
        server = await startAdminServer({ app });
      } catch (error) {
        await app.close();
        throw error;
      }
      for (const line of adminServerLines(server)) io.out(line);
      if ((await app.admins.list()).length === 0)
        io.out('  no accounts yet: koppel admin add <username> --accept-confidentiality');
      const stopped = io.stopped();
      io.out('koppel server is running; press Ctrl-C to stop');
      await stopped;
      await server.close();
      await app.close();
      io.out('koppel server stopped');
    });
}

export function adminServerLines(server: AdminServer): string[] {
  const { selfSigned, fingerprint, certFile } = server.certificate;
  return [
    `  admin server: ${server.url} (HTTPS, two-factor login; docs/server.md)`,
    `               ${selfSigned ? `self-signed certificate: pin SHA-256 ${fingerprint} or trust ${certFile}` : `certificate ${certFile}`}`,
  ];
}

/** For `koppel run`: the admin server unless switched off or --once; a taken port is printed, not fatal. */
export async function openAdminServer(
  deps: AdminServerOptions,
  once: boolean,
): Promise<{ server?: AdminServer; lines: string[] }> {
  const line = (text: string) => `  admin server: ${text}`;
  if (!deps.app.config.server.enabled) return { lines: [line('off (server.enabled is false)')] };
  if (once) return { lines: [line('not started with --once')] };
  try {
    const server = await startAdminServer(deps);
    return { server, lines: adminServerLines(server) };
  } catch (error) {
    // A second worker on this machine finds the port taken: that must not stop its sync.
    if (!(error instanceof AdminPortInUseError)) throw error;
    deps.app.log.error({ event: 'admin.port-in-use', port: deps.app.config.server.port }, error.issues[0]);
    return { lines: [line(`not started: ${error.issues[0]}`)] };
  }
}
