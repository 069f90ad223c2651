import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../clock.js';
import { rotateAndShredMasterKey } from '../../keys/master-key-shred.js';
import {
  certificateMarkdown,
  type IssuedCertificate,
  MAX_DELETE_AFTER_DAYS,
  terminateTenant,
} from '../../tenants/offboarding.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, type GlobalOptions, withApp } from '../context.js';

export function tenantTerminateCommand(tenant: Command, globals: () => GlobalOptions, io: CliIo): void {
  tenant
    .command('terminate <id>')
    .description(
      "end a customer's contract: stop its sync, destroy its keys now, delete its data and issue a deletion certificate",
    )
    .option(
      '--delete-after-days <n>',
      `delete the (already unreadable) rows after this many days, at most ${MAX_DELETE_AFTER_DAYS}`,
      '0',
    )
    .option(
      '--rotate-master-key',
      'also re-wrap every other tenant key under a new master key and destroy the old one (a key file), so copies of the store made before cannot be read',
    )
    .option('--yes', 'confirm: this cannot be undone')
    .action((id: string, options: { deleteAfterDays: string; rotateMasterKey?: boolean; yes?: boolean }) =>
      withApp(globals(), io, async (app) => {
        const days = Number(options.deleteAfterDays);
        if (!options.yes) {
          io.out(
            `This terminates tenant ${id}: its sync stops and its encryption keys are destroyed at once, so`,
          );
          io.out(
            'its data can never be read again; the rows are deleted and a certificate issued. Run again with --yes.',
          );
          throw new Error('not confirmed');
        }
        const clock = systemClock;
        const rotateMasterKey = options.rotateMasterKey
          ? () => rotateAndShredMasterKey(app.store, app.config, io.env, clock)
          : undefined;
        const result = await terminateTenant({ ...app, clock }, id, days, { rotateMasterKey });
        await app.audit.append({
          ...cliActor(),
          action: 'tenant.terminate',
          target: id,
          result: 'ok',
          detail: {
            deleteAfterDays: days,
            rotateMasterKey: Boolean(options.rotateMasterKey),
            deleted: Boolean(result.issued),
          },
        });
        io.out(
          `tenant ${id} ${result.resumed ? 'termination finished' : 'terminated'}; its keys are destroyed`,
        );
        const shred = result.masterKey;
        if (shred) {
          io.out(
            `every other tenant key is now wrapped by master key ${shred.currentId}; back up the new key now`,
          );
          if (shred.destroyed.length) io.out(`destroyed master key(s): ${shred.destroyed.join(', ')}`);
          if (shred.notHeld.length)
            io.out(
              `destroy the old master key(s) ${shred.notHeld.join(', ')} where you keep them (koppel does not hold them)`,
            );
        }
        if (!result.issued) {
          io.out(
            `its rows will be deleted on ${new Date(result.deletionDueAt).toISOString()} by the retention job,`,
          );
          io.out('which then stores the deletion certificate (koppel retention status shows it as due)');
          return;
        }
        const files = writeCertificate(app.config.dataDir, result.issued);
        io.out(`data deleted; deletion certificate: ${files.join(' and ')}`);
        io.out(`certificate SHA-256: ${result.issued.sha256}`);
        io.out(`backups: ${result.issued.certificate.backups.statement}`);
      }),
    );
}

function writeCertificate(dataDir: string, issued: IssuedCertificate): string[] {
  const dir = resolve(dataDir, 'certificates');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = join(
    dir,
    `${issued.certificate.tenant.id}-${issued.certificate.deletedAt.replace(/[:.]/g, '-')}`,
  );
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ ...issued.certificate, sha256: issued.sha256 }, null, 2)}\n`,
    { mode: 0o600 },
  );
  writeFileSync(`${base}.md`, certificateMarkdown(issued), { mode: 0o600 });
  return [`${base}.json`, `${base}.md`];
}
