import { PermanentError } from '../../errors.js';

/**
 * The shared shape of every transform: a pair of total, pure functions between the Dataverse form and
 * the Mail+ form of one field. Absent values never reach a transform (the mapper skips them); null and
 * the empty string mean "empty" and map to null. Failures throw a PermanentError that names the field
 * and the problem, and never the value: messages end up in logs and the dead-letter queue.
 */
export interface TransformContext {
  /** How errors name the field, e.g. `firstname -> firstName`. */
  field: string;
}

export interface TransformPair {
  /** Dataverse form -> Mail+ form. */
  toMailplus(value: unknown, ctx: TransformContext): unknown;
  /** Mail+ form -> Dataverse form. */
  toDataverse(value: unknown, ctx: TransformContext): unknown;
}

/** Mail+ text properties hold at most 255 characters (emulator/validation.ts; inference). */
export const MAILPLUS_MAX_LENGTH = 255;

export function fail(ctx: TransformContext, problem: string): never {
  throw new PermanentError(`${ctx.field}: ${problem}`);
}

/** Text in its stored form: NFC (so "Zoë" typed two ways is one value), trimmed; empty becomes null. */
export function textOf(value: unknown, ctx: TransformContext): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return fail(ctx, 'is not text');
  const text = value.normalize('NFC').trim();
  return text === '' ? null : text;
}

/** Like textOf, with runs of whitespace (including non-breaking spaces) collapsed to one space. */
export function compactTextOf(value: unknown, ctx: TransformContext): string | null {
  return textOf(value, ctx)?.replace(/\s+/g, ' ') ?? null;
}

/** Counts characters the way both systems do (UTF-16 code units), and says which limit was crossed. */
export function checkLength(value: unknown, max: number | undefined, ctx: TransformContext): void {
  if (max !== undefined && typeof value === 'string' && value.length > max) {
    fail(ctx, `is longer than the maximum of ${max} characters`);
  }
}

/** A pair that applies the same normalisation both ways. */
export function symmetric(normalise: (value: unknown, ctx: TransformContext) => unknown): TransformPair {
  return { toMailplus: normalise, toDataverse: normalise };
}
