import { InvalidArgumentError } from 'commander';

/** Renders rows as an aligned plain-text table; wide enough for a terminal, simple enough to grep. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** "3d 4h", "12m", "40s": how long ago, for people. */
export function age(sinceMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - sinceMs) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * A commander option parser for a count such as --limit: a positive whole number up to `max`. Without
 * it "abc" reached the database as NaN ("datatype mismatch") and -1 meant "no limit" to SQLite.
 */
export function positiveInteger(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}, got "${value}"`);
    return n;
  };
}

export function parseIds(values: readonly string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`"${v}" is not a dead-letter id (a positive whole number)`);
    return n;
  });
}
