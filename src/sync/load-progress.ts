import { type Clock, every } from '../clock.js';
import type { SyncEngine } from './sync-engine.js';

export interface LoadProgressOptions {
  engine: Pick<SyncEngine, 'progress'>;
  tenants: readonly string[];
  out: (line: string) => void;
  /** Default 10 s: often enough to see a load move, rare enough for a log file. */
  everyMs?: number;
  clock: Clock;
}

const PHASE = { 'initial-load': 'initial load', 'full-resync': 'full resync' } as const;

/**
 * While a tenant's first load or full resync runs (minutes for a large CRM), prints a line per tenant
 * every `everyMs`: what was read from Dataverse and written to Mail+, and the rate since the last
 * line. Plain lines rather than a redrawn bar: `koppel run` mostly writes to a service log.
 */
export function startLoadProgress(options: LoadProgressOptions): { stop(): void } {
  const now = () => options.clock.now();
  const last = new Map<string, { at: number; written: number }>();
  const tick = () => {
    for (const tenant of options.tenants) {
      const stats = options.engine.progress(tenant)?.stats;
      if (!stats?.loading) {
        last.delete(tenant);
        continue;
      }
      const before = last.get(tenant);
      const at = now();
      const rate =
        before && at > before.at
          ? ((stats.writtenToMailplus - before.written) * 1000) / (at - before.at)
          : null;
      last.set(tenant, { at, written: stats.writtenToMailplus });
      const n = (value: number) => Math.round(value).toLocaleString('en');
      options.out(
        `  ${tenant}: ${PHASE[stats.loading]}: ${n(stats.dataverseRead)} contacts read from Dataverse, ` +
          `${n(stats.writtenToMailplus)} written to Mail+${rate === null ? '' : ` (${n(rate)}/s)`}`,
      );
    }
  };
  const timer = every(options.clock, options.everyMs ?? 10_000, tick);
  return { stop: () => void timer.stop() };
}
