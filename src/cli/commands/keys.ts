import type { Command } from 'commander';
import { systemClock } from '../../clock.js';
import { withKeyContext } from '../../keys/key-context.js';
import { rotateKeyFile } from '../../keys/key-file-rotation.js';
import { rewrapTenantKeys } from '../../keys/key-rotation.js';
import {
  DAY_MS,
  KEY_MAX_AGE_DAYS,
  type KeyStatus,
  readKeyStatus,
  wrappedByOldKeys,
} from '../../keys/key-status.js';
import { DEFAULT_PREVIOUS_VARIABLE, generateMasterKeyText } from '../../keys/master-key.js';
import { isSystemKey } from '../../keys/system-keys.js';
import type { Store } from '../../store/open-store.js';
import { cliActor } from '../cli-actor.js';
import { type CliIo, configFrom, type GlobalOptions } from '../context.js';
import { age, table } from '../format.js';

export function keysCommand(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('the master key and the tenant data keys it wraps: status, rotation, a new key');
  const config = () => configFrom(program.opts<GlobalOptions>(), io);

  keys
    .command('status')
    .description('age of the master key and of each tenant data key, and which master key wraps them')
    .option('--json', 'print JSON instead of text')
    .action((options: { json?: boolean }) =>
      withKeyContext(config(), io.env, async ({ store, masters }) => {
        const status = await readKeyStatus(store.db, masters.keys);
        if (options.json) return io.out(JSON.stringify({ source: masters.source, ...status }, null, 2));
        for (const line of describeStatus(status, masters.source, wrappedByOldKeys(status, masters.keys)))
          io.out(line);
      }),
    );

  keys
    .command('rotate')
    .description(
      're-wrap every tenant data key with the current master key (after a new one was put in place)',
    )
    .option(
      '--generate',
      'first put a new key in the key file, keeping the old one beside it as a previous key',
    )
    .action((options: { generate?: boolean }) => rotate(config, io, options.generate ?? false));

  keys
    .command('rotate-tenant <tenant>')
    .description('a new data key version for one tenant; older versions stay to read what they sealed')
    .action((tenant: string) =>
      withKeyContext(config(), io.env, async ({ keys: ring, store, audit }) => {
        await requireActiveTenant(store, tenant);
        const version = await ring.rotate(tenant);
        await audit.append({
          ...cliActor(),
          action: 'keys.rotate-tenant',
          target: tenant,
          result: 'ok',
          detail: { version },
        });
        io.out(`tenant ${tenant} now seals new data with data key version ${version}`);
        io.out(
          'older versions stay, wrapped, to read messages and settings sealed before; running processes switch within 5 minutes',
        );
      }),
    );

  keys
    .command('generate')
    .description('print a new random 256-bit key (base64), e.g. for $KOPPEL_MASTER_KEY in a secret store')
    .action(() => io.out(generateMasterKeyText()));
}

/** A key for a tenant that does not exist (a typo) or was offboarded would only be a stray key. */
async function requireActiveTenant(store: Store, id: string): Promise<void> {
  // koppel's own data keys (keys/system-keys.ts) are rotated like a tenant's.
  if (isSystemKey(id)) return;
  const row = await store.db.selectFrom('tenants').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) throw new Error(`no tenant "${id.slice(0, 80)}" (see \`koppel tenant list\`)`);
  if (row.status === 'terminated')
    throw new Error(`tenant "${id}" is terminated: its data keys were destroyed and are not rotated`);
}

async function rotate(
  config: () => ReturnType<typeof configFrom>,
  io: CliIo,
  generate: boolean,
): Promise<void> {
  const settings = config();
  const file = generate ? rotateKeyFile(settings) : undefined;
  if (file) {
    io.out(`new master key in ${file.path} (id ${file.newId})`);
    io.out(`the old key (id ${file.oldId}) is kept as ${file.retiredPath}`);
  }
  await withKeyContext(settings, io.env, async ({ store, masters, clock, audit }) => {
    const result = await rewrapTenantKeys(store, masters.keys, clock);
    const id = masters.keys.current.id;
    await audit.append({
      ...cliActor(),
      action: 'keys.rotate',
      target: id,
      result: result.remaining > 0 ? 'failed' : 'ok',
      detail: { rewrapped: result.rewrapped, remaining: result.remaining, generated: Boolean(file) },
    });
    io.out(
      `re-wrapped ${result.rewrapped} tenant key(s) with master key ${id} (${result.alreadyCurrent} already were)`,
    );
    if (result.remaining > 0) {
      io.out(
        `${result.remaining} tenant key(s) were wrapped with an old key by a process still running with it: restart that process, then run \`koppel keys rotate\` again`,
      );
      throw new Error('rotation not finished');
    }
    if (result.retired.length > 0) io.out(`retired master key(s): ${result.retired.join(', ')}`);
    if (!file && result.rewrapped === 0) {
      io.out('nothing to do: to rotate, put a new master key in place first:');
      io.out('  key file:    koppel keys rotate --generate');
      io.out(
        `  environment: set ${previousVariable(settings)} to the current key and KOPPEL_MASTER_KEY to a new one (koppel keys generate), then run koppel keys rotate`,
      );
      io.out('  Key Vault:   rotate the key in the vault, then run koppel keys rotate');
      return;
    }
    for (const line of afterRotation(settings, file?.retiredPath, clock.now())) io.out(line);
  });
}

function previousVariable(config: ReturnType<typeof configFrom>): string {
  return (
    (config.masterKey.source === 'env' && config.masterKey.previousVariable) || DEFAULT_PREVIOUS_VARIABLE
  );
}

function afterRotation(
  config: ReturnType<typeof configFrom>,
  retiredPath: string | undefined,
  now: number,
): string[] {
  const backups = `database backups made before ${new Date(now).toISOString()}`;
  const lines = ['', 'What now:'];
  if (config.masterKey.source === 'file') {
    lines.push(
      '  - A running koppel keeps working: it reads the key file again when it meets a key wrapped by the new key.',
      '  - Back up the new key file now: without it the stored data cannot be read.',
      `  - The old key is no longer needed by this database. Keep ${retiredPath ?? 'the old key file'} (offline) only as long as you keep ${backups}, then delete it; koppel doctor warns while it lies next to the key file.`,
    );
  } else if (config.masterKey.source === 'env') {
    lines.push(
      `  - Remove ${previousVariable(config)} from the environment of every koppel process and restart them; a process still running with only the old key stops with a clear error when it meets a re-wrapped key.`,
      `  - Keep the old key only as long as you keep ${backups}.`,
    );
  } else {
    lines.push(`  - Keep the old key version enabled in Key Vault as long as you keep ${backups}.`);
  }
  return lines;
}

function describeStatus(status: KeyStatus, source: string, old: number): string[] {
  // This command opens only the key store, not the App: its clock is the system clock.
  const now = systemClock.now();
  const since = status.currentMasterKeySince;
  const lines = [
    `master key:  ${status.currentMasterKeyId} from ${source}`,
    `  in use for ${since === null ? 'no tenant key yet' : `${age(since, now)} (since ${new Date(since).toISOString()})`}${since !== null && now - since > KEY_MAX_AGE_DAYS * DAY_MS ? `: older than ${KEY_MAX_AGE_DAYS} days, rotate it (koppel keys rotate --generate)` : ''}`,
  ];
  if (old > 0)
    lines.push(
      `  ${old} tenant key version(s) are still wrapped by an old master key: run koppel keys rotate`,
    );
  const retired = status.masterKeys.filter((m) => m.retiredAt !== null);
  if (retired.length > 0) lines.push(`  retired: ${retired.map((m) => m.id).join(', ')}`);
  lines.push('');
  if (status.tenants.length === 0) return [...lines, 'no tenant data keys yet'];
  const rows = status.tenants.map((t) => [
    t.tenantId,
    t.destroyed ? 'destroyed' : String(t.currentVersion),
    String(t.versions),
    age(t.createdAt, now),
    t.rewrappedAt === null ? '-' : `${age(t.rewrappedAt, now)} ago`,
    t.masterKeyId,
  ]);
  return [...lines, ...table(['tenant', 'version', 'versions', 'key age', 're-wrapped', 'master key'], rows)];
}
