import {
  compactTextOf,
  fail,
  symmetric,
  type TransformContext,
  type TransformPair,
  textOf,
} from './transform-kit.js';

/** Plain text: stored as given, only trimmed and NFC-normalised. Length limits are checked by the mapper. */
export const text: TransformPair = symmetric(textOf);

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[^\s@.]{2,}$/;

/**
 * E-mail addresses: trimmed, the domain lowercased (domains are case-insensitive; the local part may
 * not be, RFC 5321 §2.4), then validated the way Mail+ validates ("Email is invalid").
 */
export function normaliseEmail(value: unknown, ctx: TransformContext): string | null {
  const address = textOf(value, ctx);
  if (address === null) return null;
  const at = address.lastIndexOf('@');
  const normalised = at < 0 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
  if (!EMAIL.test(normalised) || at > 64 || normalised.length > 254) {
    fail(ctx, 'is not a valid e-mail address');
  }
  return normalised;
}

export const email: TransformPair = symmetric(normaliseEmail);

/**
 * Dataverse gendercode 1 = Male, 2 = Female; Mail+ `gender` knows only M and F. Any other option an org
 * has added has no Mail+ equivalent, so it maps to null (the Mail+ field is cleared, not left stale).
 */
export const gender: TransformPair = {
  toMailplus(value) {
    const code = typeof value === 'string' ? Number(value) : value;
    if (code === 1) return 'M';
    if (code === 2) return 'F';
    return null;
  },
  toDataverse(value) {
    const letter = typeof value === 'string' ? value.trim().toUpperCase() : null;
    if (letter === 'M') return 1;
    if (letter === 'F') return 2;
    return null;
  },
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/;
const DUTCH_DATE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/;

/**
 * Dates: Dataverse DateOnly columns (birthdate) read and write `yyyy-mm-dd`; Mail+ birthdate/date
 * properties take `yyyy-mm-dd` too (techtwo sends `Y-m-d`; the emulator enforces it). From Mail+ we also
 * accept `dd-mm-yyyy` (how the Mail+ UI shows dates) and epoch milliseconds (Mail+ sends other
 * timestamps as numbers), in case an account returns them.
 */
export function normaliseDate(value: unknown, ctx: TransformContext): string | null {
  if (typeof value === 'number') return calendarDate(new Date(value).toISOString().slice(0, 10), ctx);
  const raw = textOf(value, ctx);
  if (raw === null) return null;
  const iso = ISO_DATE.exec(raw);
  if (iso) return calendarDate(`${iso[1]}-${iso[2]}-${iso[3]}`, ctx);
  const dutch = DUTCH_DATE.exec(raw);
  if (dutch)
    return calendarDate(`${dutch[3]}-${dutch[2]!.padStart(2, '0')}-${dutch[1]!.padStart(2, '0')}`, ctx);
  return fail(ctx, 'is not a date (expected yyyy-mm-dd)');
}

function calendarDate(ymd: string, ctx: TransformContext): string {
  const date = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || !date.toISOString().startsWith(ymd)) {
    fail(ctx, 'is not an existing calendar date');
  }
  return ymd;
}

export const date: TransformPair = {
  toMailplus(value, ctx) {
    // DateOnly values are plain dates; a time part would only appear on a DateTime column, where the
    // date as written (not converted to UTC) is the one a person sees.
    if (typeof value === 'number') fail(ctx, 'is not a date (expected yyyy-mm-dd)');
    return normaliseDate(value, ctx);
  },
  toDataverse: normaliseDate,
};

/**
 * The tussenvoegsel ('van der', "van 't"): Dataverse has no column for it, Dutch orgs keep it in
 * middlename. Written lowercase (the Dutch convention after a first name), single-spaced, with typographic
 * apostrophes straightened so "van ’t" and "van 't" are the same value.
 */
export const infix: TransformPair = symmetric((value, ctx) => {
  const words = compactTextOf(value, ctx);
  return words === null ? null : words.replace(/[’‘`´]/g, "'").toLocaleLowerCase('nl');
});

const DUTCH_POSTCODE = /^([1-9]\d{3})\s*([A-Za-z]{2})$/;

/**
 * Postcodes: Dutch ones in their official form `1234 AB` (Mail+ postcode properties take Dutch and
 * 4-digit Belgian codes); anything else is only trimmed, uppercased and single-spaced.
 */
export const postcode: TransformPair = symmetric((value, ctx) => {
  const code = compactTextOf(value, ctx);
  if (code === null) return null;
  const dutch = DUTCH_POSTCODE.exec(code);
  return dutch ? `${dutch[1]} ${dutch[2]!.toUpperCase()}` : code.toUpperCase();
});
