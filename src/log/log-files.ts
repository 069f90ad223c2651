import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KoppelConfig } from '../config/config-schema.js';

const DAY_MS = 86_400_000;
const LOG_FILE = /^koppel-(\d{4}-\d{2}-\d{2})\.log$/;

export interface LogFile {
  path: string;
  /** Start of the file's day (UTC, ms epoch): every entry in it was written that day. */
  day: number;
  bytes: number;
}

export function logDir(config: Pick<KoppelConfig, 'dataDir'>): string {
  return resolve(config.dataDir, 'logs');
}

/** koppel-2026-01-31.log for any moment of 31 January 2026 (UTC). */
export function logFileName(now: number): string {
  return `koppel-${new Date(now).toISOString().slice(0, 10)}.log`;
}

/** koppel's own daily log files, oldest first; anything else in the folder is left alone. */
export function listLogFiles(dir: string): LogFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, match: LOG_FILE.exec(name) }))
    .filter((f) => f.match !== null)
    .map((f) => {
      const path = join(dir, f.name);
      return { path, day: Date.parse(`${f.match![1]}T00:00:00Z`), bytes: statSync(path).size };
    })
    .sort((a, b) => a.day - b.day);
}

/**
 * When a file is due: `retentionDays` after the start of its day, when its first entry may have been
 * written, so no entry is kept longer than the promise (counting from the day's end kept the first
 * entries a day too long). Judged by the name, not the modification time, which a backup tool or an
 * editor may change.
 */
export function logFileDueAt(file: LogFile, retentionDays: number): number {
  return file.day + retentionDays * DAY_MS;
}

/** Deletes the log files past their retention; returns how many. */
export function purgeLogFiles(dir: string, now: number, retentionDays: number): number {
  let purged = 0;
  for (const file of listLogFiles(dir)) {
    if (logFileDueAt(file, retentionDays) > now) continue;
    rmSync(file.path, { force: true });
    purged++;
  }
  return purged;
}
