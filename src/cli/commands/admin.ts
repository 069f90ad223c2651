import type { Command } from 'commander';
import QRCode from 'qrcode';
import { AdminLimitError, type AdminRole, type Enrolment } from '../../admin/admin-store.js';
import { CONFIDENTIALITY_STATEMENT } from '../../admin/confidentiality.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';
import { table } from '../format.js';
import type { SecretInput } from '../secret-input.js';

export function adminCommand(program: Command, io: CliIo, input: SecretInput): void {
  const admin = program
    .command('admin')
    .description(
      'administrator accounts of the admin server: at most two admins plus the DPO, each with 2FA',
    );
  const globals = () => program.opts<GlobalOptions>();

  admin
    .command('add <username>')
    .description('add an account; the password is read from standard input (or asked on a terminal)')
    .option(
      '--role <role>',
      'admin or dpo (the data-protection officer: incidents, register, audit log)',
      'admin',
    )
    .option(
      '--enrol-in-console',
      'print no authenticator secret: its owner sets it up at the first sign-in to the console (/enrol)',
    )
    .option(
      '--accept-confidentiality',
      `the person accepts the confidentiality statement (version ${CONFIDENTIALITY_STATEMENT.version})`,
    )
    .action(
      (
        username: string,
        options: { role: string; acceptConfidentiality?: boolean; enrolInConsole?: boolean },
      ) =>
        withApp(globals(), io, async (app) => {
          if (options.role !== 'admin' && options.role !== 'dpo')
            throw new Error(`--role must be admin or dpo, not "${options.role}"`);
          const role = options.role as AdminRole;
          io.err(CONFIDENTIALITY_STATEMENT.text);
          const accepted =
            options.acceptConfidentiality ||
            (await input.confirm(
              `Does ${username} accept this statement (version ${CONFIDENTIALITY_STATEMENT.version})? Type yes: `,
            ));
          if (!accepted)
            throw new Error(
              'the confidentiality statement must be accepted: pass --accept-confidentiality (or type yes on a terminal)',
            );
          const password = await readNewPassword(input);
          let enrolment: Enrolment;
          try {
            enrolment = await app.admins.add(username, role, password, {
              enrolInConsole: options.enrolInConsole ?? false,
            });
          } catch (error) {
            if (error instanceof AdminLimitError)
              await app.audit.append({
                ...cliActor(),
                action: 'admin.add',
                target: username,
                result: 'refused',
                detail: { role, reason: 'limit' },
              });
            throw error;
          }
          await app.audit.append({
            ...cliActor(),
            action: 'admin.add',
            target: username,
            result: 'ok',
            detail: {
              role,
              confidentialityVersion: CONFIDENTIALITY_STATEMENT.version,
              enrolInConsole: options.enrolInConsole ?? false,
            },
          });
          io.out(
            `added ${role} ${username}; confidentiality statement ${CONFIDENTIALITY_STATEMENT.version} accepted`,
          );
          if (options.enrolInConsole)
            io.out(
              `${username} sets up the authenticator at the first sign-in: open the console's /enrol page (koppel server prints its address) and sign in with the password`,
            );
          else await printEnrolment(io, enrolment);
        }),
    );

  admin
    .command('list')
    .description('the accounts, their roles and when each accepted the confidentiality statement')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const accounts = await app.admins.list();
        if (options.json) return io.out(JSON.stringify(accounts, null, 2));
        if (accounts.length === 0)
          return io.out(
            'no accounts yet; add one with: koppel admin add <username> --accept-confidentiality',
          );
        const rows = accounts.map((a) => [
          a.username,
          a.role,
          `${a.confidentiality.version} at ${new Date(a.confidentiality.acceptedAt).toISOString()}`,
          String(a.recoveryCodesLeft),
        ]);
        for (const line of table(['username', 'role', 'confidentiality', 'recovery codes'], rows))
          io.out(line);
      }),
    );

  admin
    .command('remove <username>')
    .description('delete an account and end its sessions')
    .action((username: string) =>
      withApp(globals(), io, async (app) => {
        await app.admins.remove(username);
        await app.audit.append({ ...cliActor(), action: 'admin.remove', target: username, result: 'ok' });
        io.out(`removed ${username}`);
      }),
    );

  admin
    .command('reset-2fa <username>')
    .description('a new authenticator secret and recovery codes; the old ones and all sessions stop working')
    .action((username: string) =>
      withApp(globals(), io, async (app) => {
        const enrolment = await app.admins.resetTwoFactor(username);
        await app.audit.append({ ...cliActor(), action: 'admin.reset-2fa', target: username, result: 'ok' });
        io.out(`new second factor for ${username}`);
        await printEnrolment(io, enrolment);
      }),
    );

  admin
    .command('passwd <username>')
    .description("set a new password (from standard input or a prompt); ends the account's sessions")
    .action((username: string) =>
      withApp(globals(), io, async (app) => {
        await app.admins.setPassword(username, await readNewPassword(input));
        await app.audit.append({ ...cliActor(), action: 'admin.passwd', target: username, result: 'ok' });
        io.out(`password of ${username} changed`);
      }),
    );
}

async function readNewPassword(input: SecretInput): Promise<string> {
  const password = await input.secret('New password (at least 12 characters): ');
  if (input.isTerminal && (await input.secret('Again: ')) !== password)
    throw new Error('the passwords differ');
  if (!password)
    throw new Error('no password given: pass it on standard input (or run on a terminal to be asked)');
  return password;
}

async function printEnrolment(io: CliIo, enrolment: Enrolment): Promise<void> {
  io.out('Add this to the authenticator app (shown once):');
  io.out(enrolment.uri);
  const qr = await QRCode.toString(enrolment.uri, { type: 'utf8' });
  for (const line of qr.trimEnd().split('\n')) io.out(line);
  io.out('Recovery codes, each works once (shown once; keep them offline):');
  for (const code of enrolment.recoveryCodes) io.out(`  ${code}`);
}
