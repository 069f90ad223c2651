import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
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
 * without a country code is tried in each region in turn (default NL, then BE), and the first region in
 * which it is a valid number wins. The full ("max") metadata is used so validation checks real number
 * ranges, not only lengths.
 */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['NL', 'BE'];

export function toE164(value: unknown, regions: readonly string[], ctx: TransformContext): string | null {
  const raw = compactTextOf(value, ctx);
  if (raw === null) return null;
  // 00 is the international prefix in NL and BE; libphonenumber only recognises it with a region.
  const international = raw.replace(/^00(?=[1-9])/, '+');
  if (international.startsWith('+')) {
    const parsed = parsePhoneNumberFromString(international);
    if (parsed?.isValid()) return parsed.number;
  } else {
    for (const region of regions) {
      if (!isSupportedCountry(region)) continue;
      const parsed = parsePhoneNumberFromString(international, region);
      if (parsed?.isValid()) return parsed.number;
    }
  }
  return fail(
    ctx,
    `is not a valid phone number (numbers without +country code are tried in ${regions.join(', ')})`,
  );
}

export function phone(regions: readonly string[] = DEFAULT_PHONE_REGIONS): TransformPair {
  return symmetric((value, ctx) => toE164(value, regions, ctx));
}
