import { resolve } from 'node:path';
import { logDir } from '../../log/log-files.js';
import {
  type DoctorCheck,
  type DoctorContext,
  type FileFact,
  fail,
  pass,
  skip,
  warn,
} from '../doctor-check.js';
import { keyFilePaths, sqlitePath } from '../doctor-context.js';

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** Files (or folders) among `paths` that others than the owner can read, write or enter. */
function loose(context: DoctorContext, paths: readonly string[]): FileFact[] {
  return paths
    .map((p) => context.files.get(p))
    .filter((f): f is FileFact => f?.exists === true && (f.mode & 0o077) !== 0);
}

function modeCheck(
  id: string,
  what: string,
  paths: (context: DoctorContext) => string[],
  why: string,
): DoctorCheck {
  return {
    id,
    run: (context) => {
      const all = paths(context);
      const present = all.filter((p) => context.files.get(p)?.exists);
      if (present.length === 0) return skip(id, `${what}: none yet`);
      const bad = loose(context, present);
      if (bad.length === 0) return pass(id, `${what}: only the owner has access (${present.length} checked)`);
      const list = bad.map((f) => `${f.path} has mode ${octal(f.mode)}`).join('; ');
      return fail(
        id,
        `${what} can be read by other users: ${list}`,
        why,
        // Folders need x to be entered by their owner; files do not.
        bad.map((f) => `chmod ${f.isDirectory ? '700' : '600'} ${f.path}`).join(' && '),
      );
    },
  };
}

export const dataDirPermissions = modeCheck(
  'data-dir-permissions',
  'the data folder',
  (c) => [resolve(c.config.dataDir)],
  'the data folder holds the database and the master key; other users of this machine must not be able to list or enter it.',
);

export const keyFilePermissions: DoctorCheck = {
  id: 'key-file-permissions',
  run: (context) => {
    if (context.config.masterKey.source !== 'file') {
      return pass(
        'key-file-permissions',
        `no key file: the master key comes from ${context.config.masterKey.source}`,
      );
    }
    return modeCheck(
      'key-file-permissions',
      'the master key file(s)',
      (c) => keyFilePaths(c.config),
      'whoever can read the master key can decrypt every stored tenant key, and with it all queued personal data and credentials.',
    ).run(context);
  },
};

export const databaseFilePermissions: DoctorCheck = {
  id: 'database-file-permissions',
  run: (context) => {
    const db = sqlitePath(context.config);
    if (!db)
      return skip(
        'database-file-permissions',
        'PostgreSQL: the database files belong to the database server',
      );
    return modeCheck(
      'database-file-permissions',
      'the SQLite database files',
      () => [db, `${db}-wal`, `${db}-shm`],
      'the database holds encrypted payloads, wrapped keys and tenant settings; a copy is the first step of an offline attack.',
    ).run(context);
  },
};

export const logFilePermissions: DoctorCheck = {
  id: 'log-file-permissions',
  run: (context) => {
    const dir = logDir(context.config);
    const files = [...context.files.keys()].filter((p) => p.startsWith(`${dir}/`));
    return modeCheck(
      'log-file-permissions',
      'the log folder and files',
      () => [dir, ...files],
      'logs carry ids of customers and contacts; they are for the administrators only.',
    ).run(context);
  },
};

/** Informational: logs sent to the console (standard error) are kept by whoever collects them, not by koppel. */
export const logDestination: DoctorCheck = {
  id: 'log-destination',
  run: ({ config }) => {
    if (!config.log.stdout) return pass('log-destination', 'logs go to daily files only, deleted by koppel');
    return warn(
      'log-destination',
      "logs also go to the console (standard error), outside koppel's retention",
      'koppel deletes its own log files after at most 30 days, but it cannot delete what a service manager or container runtime collected from it.',
      'make sure that collector keeps logs at most 30 days (journald: MaxRetentionSec=30d; Docker: a size-limited log driver), or set "log": { "stdout": false }',
    );
  },
};
