import { compactTextOf, fail, type TransformContext, type TransformPair } from './transform-kit.js';

/**
 * Set properties (interests, preferences): Mail+ holds them as `[{bit, enabled}]` entries, keyed on bit
 * (descriptions are display text and may be renamed, spotler.md §1.6). Towards Mail+ a field sends an
 * entry for each bit it maps, enabled or not, and nothing for other bits, so with purge:false it changes
 * only its own bits. Towards Dataverse it reads only its own bits; bits it does not map are ignored.
 */
export interface SetEntry {
  bit: number;
  enabled: boolean;
}

/** The enabled state of each bit in a Mail+ set value; malformed entries are skipped. */
export function enabledBits(value: unknown): Map<number, boolean> {
  const bits = new Map<number, boolean>();
  if (!Array.isArray(value)) return bits;
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { bit, enabled } = entry as { bit?: unknown; enabled?: unknown };
    if (typeof bit === 'number' && typeof enabled === 'boolean') bits.set(bit, enabled);
  }
  return bits;
}

function entries(bits: readonly number[], isEnabled: (bit: number) => boolean): SetEntry[] {
  return bits.map((bit) => ({ bit, enabled: isEnabled(bit) }));
}

/** One bit <-> a Dataverse Boolean column (an empty column counts as false). */
export function setBoolean(bit: number): TransformPair {
  return {
    toMailplus: (value) => entries([bit], () => value === true),
    toDataverse: (value) => enabledBits(value).get(bit) === true,
  };
}

/**
 * Bits <-> option values of a Dataverse multi-select choice column, which the Web API reads and writes as
 * a comma-separated string ("100000000,100000002"). Options without a bit are not synced.
 */
export function setMultiselect(options: ReadonlyArray<{ bit: number; value: number }>): TransformPair {
  const bits = options.map((o) => o.bit);
  return {
    toMailplus(value, ctx) {
      const chosen = new Set(optionValuesOf(value, ctx));
      return entries(bits, (bit) => options.some((o) => o.bit === bit && chosen.has(o.value)));
    },
    toDataverse(value) {
      const on = enabledBits(value);
      const values = options.filter((o) => on.get(o.bit) === true).map((o) => o.value);
      return values.length === 0 ? null : [...new Set(values)].sort((a, b) => a - b).join(',');
    },
  };
}

function optionValuesOf(value: unknown, ctx: TransformContext): number[] {
  if (value === null || value === '') return [];
  if (typeof value === 'number') return [value];
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  const numbers = parts?.map((p) => Number(typeof p === 'string' ? p.trim() : p));
  if (!numbers || numbers.some((n) => !Number.isInteger(n))) fail(ctx, 'is not a list of choice values');
  return numbers;
}

/**
 * Bits <-> labels in a Dataverse text column ("Fietsen; Koken"), for orgs that keep interests as text.
 * Labels are matched without regard to case; a label not in the mapping is an error rather than being
 * dropped, so nobody's stated interest silently disappears.
 */
export function setString(labels: ReadonlyArray<{ bit: number; label: string }>): TransformPair {
  const bits = labels.map((l) => l.bit);
  return {
    toMailplus(value, ctx) {
      const text = compactTextOf(value, ctx);
      const chosen = new Set<number>();
      for (const part of text?.split(/[;,]/) ?? []) {
        const wanted = part.trim().toLocaleLowerCase('nl');
        if (wanted === '') continue;
        const found = labels.find((l) => l.label.toLocaleLowerCase('nl') === wanted);
        if (!found) fail(ctx, 'holds a label that is not in the mapping');
        chosen.add(found.bit);
      }
      return entries(bits, (bit) => chosen.has(bit));
    },
    toDataverse(value) {
      const on = enabledBits(value);
      const chosen = labels.filter((l) => on.get(l.bit) === true).map((l) => l.label);
      return chosen.length === 0 ? null : chosen.join('; ');
    },
  };
}
