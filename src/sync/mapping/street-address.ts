import { compactTextOf, fail, type TransformContext, type TransformPair } from './transform-kit.js';

/**
 * Street and house number. Dataverse has one line (`address1_line1`, e.g. "Kerkstraat 12a"); Mail+ has
 * `street` and `houseNumber`. Towards Mail+ the line is split at its last house number; towards Dataverse
 * the two are joined with one space. The split is exact at a space, so joining a split line gives the line
 * back (with its spaces collapsed): the round trip never changes an address, even when the split guesses
 * wrong. A line without a recognisable trailing house number goes to `street` whole, with no number.
 *
 * Recognised numbers: "12", "12a", "12-1", "12/2", "12 A", "12 bis", "12 hs" and the Belgian "12 bus 3".
 */
export interface StreetAndNumber {
  street: string | null;
  houseNumber: string | null;
}

const LINE = /^(?<street>.+?)\s+(?<number>\d[\w/-]*(?:\s+(?:bis|ter|hs|[a-z]|(?:bus|box)\s*\w+))?)$/i;

export function splitStreetLine(line: string): StreetAndNumber {
  const match = LINE.exec(line);
  if (!match?.groups) return { street: line, houseNumber: null };
  return { street: match.groups.street!, houseNumber: match.groups.number! };
}

export function joinStreetLine(parts: StreetAndNumber): string | null {
  const joined = [parts.street, parts.houseNumber].filter((p) => p !== null).join(' ');
  return joined === '' ? null : joined;
}

function partsOf(value: unknown, ctx: TransformContext): StreetAndNumber {
  if (typeof value !== 'object' || value === null) fail(ctx, 'is not a street and house number pair');
  const { street, houseNumber } = value as Partial<Record<keyof StreetAndNumber, unknown>>;
  return { street: compactTextOf(street, ctx), houseNumber: compactTextOf(houseNumber, ctx) };
}

export const streetHouseNumber: TransformPair = {
  toMailplus(value, ctx): StreetAndNumber {
    const line = compactTextOf(value, ctx);
    return line === null ? { street: null, houseNumber: null } : splitStreetLine(line);
  },
  toDataverse(value, ctx) {
    return joinStreetLine(partsOf(value, ctx));
  },
};
