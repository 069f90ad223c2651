import type { KoppelConfig } from '../config/config-schema.js';
import type { OpenedMasterKeys } from '../keys/open-master-keys.js';
import type { Store } from '../store/open-store.js';

export type FindingStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** The outcome of one check, written for the person who reads it at 3 a.m. */
export interface Finding {
  id: string;
  status: FindingStatus;
  /** One line: what was checked and what was found. */
  summary: string;
  /** Why it matters, in plain language (warn and fail). */
  explanation?: string;
  /** What to do about it (warn and fail). */
  fix?: string;
}

export interface FileFact {
  path: string;
  exists: boolean;
  isDirectory: boolean;
  /** Permission bits, e.g. 0o600. */
  mode: number;
}

/** What the checks look at; gathered once, read-only: doctor never repairs or migrates anything. */
export interface DoctorContext {
  config: KoppelConfig;
  env: NodeJS.ProcessEnv;
  now: number;
  /** File facts taken before the store was opened (opening a SQLite store tightens its mode). */
  files: ReadonlyMap<string, FileFact>;
  /** Absent when the store could not be opened; storeProblem says why. */
  store?: Store;
  storeProblem?: string;
  /** Migrations the store has not applied yet; checks that read tables skip while any are pending. */
  pendingMigrations: readonly string[];
  masters?: OpenedMasterKeys;
  mastersProblem?: string;
  /** Set by monitoring (`--expect-running`): a koppel should be running, so retention must be recent. */
  expectRunning: boolean;
  /** How long ago retention may have run before that is a finding. */
  retentionMaxAgeMs: number;
}

/**
 * One check of the security baseline. Later issues add their own (TLS of the admin listener, 2FA
 * for every administrator, at most two administrators) by appending to the list given to
 * runDoctor: a check only needs an id and a run function.
 */
export interface DoctorCheck {
  id: string;
  run(context: DoctorContext): Finding | Promise<Finding>;
}

export const pass = (id: string, summary: string): Finding => ({ id, status: 'pass', summary });
export const skip = (id: string, summary: string): Finding => ({ id, status: 'skip', summary });
export const warn = (id: string, summary: string, explanation: string, fix: string): Finding => ({
  id,
  status: 'warn',
  summary,
  explanation,
  fix,
});
export const fail = (id: string, summary: string, explanation: string, fix: string): Finding => ({
  id,
  status: 'fail',
  summary,
  explanation,
  fix,
});

/** The store with every migration applied, or undefined: table-reading checks then skip. */
export function readyStore(context: DoctorContext): Store | undefined {
  return context.pendingMigrations.length === 0 ? context.store : undefined;
}

/** "3 days", "5 hours", "12 minutes": a duration in the largest whole unit, for summaries. */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
