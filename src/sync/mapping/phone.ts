import { isSupportedCountry, parsePhoneNumberFromString as parseLenient } from 'libphonenumber-js';
import { type CountryCode, parsePhoneNumberFromString as parseStrict } from 'libphonenumber-js/max';
import {
  compactTextOf,
  fail,
  symmetric,
  type TransformContext,
  type TransformPair,
} from './transform-kit.js';

/**
 * Phone numbers in E.164 (`+31612345678`) on both sides: Mail+ mobNr properties expect an international
 * number, and one form per number keeps the two systems from rewriting each other's formatting. A number
 * without a country code is tried in each region in turn (default NL, then BE).
 *
 * Two passes: first against the full ("max") metadata, which knows the allocated ranges, so "0470 12 34
 * 56" is Belgian although it has the length of a Dutch number; then, if no region fits, against lengths
 * and leading digits only ("min"), so a plausible number in a range libphonenumber does not know (e.g.
 * +31 67…) is kept rather than blocking the whole contact.
 */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['NL', 'BE'];

type Parse = typeof parseStrict;

export function toE164(value: unknown, regions: readonly string[], ctx: TransformContext): string | null {
  const raw = compactTextOf(value, ctx);
  if (raw === null) return null;
  // 00 is the international prefix in NL and BE; libphonenumber only recognises it with a region.
  const number = raw.replace(/^00(?=[1-9])/, '+');
  const found =
    firstValid(parseStrict, number, regions) ?? firstValid(parseLenient as Parse, number, regions);
  return (
    found ??
    fail(
      ctx,
      `is not a valid phone number (numbers without +country code are tried in ${regions.join(', ')})`,
    )
  );
}

function firstValid(parse: Parse, number: string, regions: readonly string[]): string | null {
  if (number.startsWith('+')) {
    const parsed = parse(number);
    return parsed?.isValid() ? parsed.number : null;
  }
  for (const region of regions) {
    if (!isSupportedCountry(region)) continue;
    const parsed = parse(number, region);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}

export function phone(regions: readonly string[] = DEFAULT_PHONE_REGIONS): TransformPair {
  return symmetric((value, ctx) => toE164(value, regions, ctx));
}
