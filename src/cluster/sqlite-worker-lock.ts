import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive } from '../queue/lease-owner.js';

/** A second worker on one SQLite file: refused, with what to do instead. */
export class SqliteWorkerLockedError extends Error {
  constructor(file: string, holder: LockHolder) {
    super(
      `another koppel worker (pid ${holder.pid}) already syncs the SQLite store ${file}; SQLite allows one worker process: stop that one first, or use PostgreSQL (store.driver "postgres") to run several workers (docs/cluster.md)`,
    );
    this.name = 'SqliteWorkerLockedError';
  }
}

interface LockHolder {
  pid: number;
  host: string;
}

export interface WorkerLock {
  readonly file: string;
  release(): void;
}

/**
 * SQLite stays single-process for the sync: `koppel worker` and `koppel run` take this lock file
 * beside the database (created exclusively, holding the pid). A lock left by a process that is gone
 * (SIGKILL, power loss) is taken over; one of a live process is refused. Other commands (tenant,
 * admin, server) do not take it: they may run beside the worker.
 */
export function lockSqliteWorker(
  databaseFile: string,
  pid: number = process.pid,
  alive: (pid: number) => boolean = processAlive,
): WorkerLock {
  const file = `${databaseFile}.worker.lock`;
  const me: LockHolder = { pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        file,
        release: () => {
          if (holderOf(file)?.pid === pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(file);
      if (holder && holder.host === me.host && holder.pid !== pid && alive(holder.pid))
        throw new SqliteWorkerLockedError(databaseFile, holder);
      // Left by a process that is gone (or our own pid from an earlier start in a container).
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not create the worker lock ${file}; check the data directory's permissions`);
}

function holderOf(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host) } : undefined;
  } catch {
    return undefined;
  }
}
