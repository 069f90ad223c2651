import { fail, type TransformContext, type TransformPair, textOf } from './transform-kit.js';

/**
 * Countries: Dataverse address1_country is free text ("Nederland", "Belgium", "NL"); Mail+ gets the
 * ISO 3166-1 alpha-2 code. Names are recognised in Dutch, English, French and German (from the ICU data
 * Node ships), plus common aliases; names written back to Dataverse are Dutch or English.
 */
const NAME_LANGUAGES = ['nl', 'en', 'fr', 'de'] as const;

/** Written back to Dataverse whatever ICU data the runtime has, so the common ones never degrade. */
const FIXED_NAMES: Readonly<Record<'nl' | 'en', Readonly<Record<string, string>>>> = {
  nl: {
    NL: 'Nederland',
    BE: 'België',
    DE: 'Duitsland',
    FR: 'Frankrijk',
    LU: 'Luxemburg',
    GB: 'Verenigd Koninkrijk',
  },
  en: {
    NL: 'Netherlands',
    BE: 'Belgium',
    DE: 'Germany',
    FR: 'France',
    LU: 'Luxembourg',
    GB: 'United Kingdom',
  },
};

const ALIASES: Readonly<Record<string, string>> = {
  holland: 'NL',
  'the netherlands': 'NL',
  nederland: 'NL',
  nld: 'NL',
  belgie: 'BE',
  belgium: 'BE',
  belgique: 'BE',
  belgien: 'BE',
  bel: 'BE',
  deu: 'DE',
  fra: 'FR',
  lux: 'LU',
  uk: 'GB',
  'great britain': 'GB',
  engeland: 'GB',
  england: 'GB',
  usa: 'US',
  'u s a': 'US',
  'u s': 'US',
};

/** Not countries: user-assigned ranges and groupings such as EU and UN. */
function isCountryCode(code: string): boolean {
  if (code === 'XK') return true; // Kosovo: user-assigned, but in common use
  if (code === 'AA' || code === 'ZZ' || /^(Q[M-Z]|X[A-Z])$/.test(code)) return false;
  return !['EU', 'EZ', 'UN'].includes(code);
}

let lookup: Map<string, string> | undefined;

/** Built on first use: about 250 codes times four languages. */
function nameLookup(): Map<string, string> {
  if (lookup) return lookup;
  lookup = new Map(Object.entries(ALIASES));
  const displays = NAME_LANGUAGES.map(
    (l) => new Intl.DisplayNames([l], { type: 'region', fallback: 'none' }),
  );
  for (const code of allCodes()) {
    for (const display of displays) {
      const name = display.of(code);
      if (name && !lookup.has(keyOf(name))) lookup.set(keyOf(name), code);
    }
  }
  for (const names of Object.values(FIXED_NAMES)) {
    for (const [code, name] of Object.entries(names)) lookup.set(keyOf(name), code);
  }
  return lookup;
}

function* allCodes(): Generator<string> {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      const code = a + b;
      // Retired codes (DD, SU, YU) canonicalise to a successor; only current codes name a country.
      if (isCountryCode(code) && canonicalRegion(code) === code) yield code;
    }
  }
}

function canonicalRegion(code: string): string | undefined {
  try {
    return new Intl.Locale(`und-${code}`).region;
  } catch {
    return undefined;
  }
}

/** "België", "belgie" and "Belgie " are one key: no case, accents, punctuation or leading "the". */
function keyOf(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

/** The ISO code for a country name or code, or null when it is not recognised. */
export function countryCodeOf(value: string): string | null {
  const code = value.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(code) && isCountryCode(code) && canonicalRegion(code) === code) return code;
  return nameLookup().get(keyOf(value)) ?? null;
}

export function countryNameOf(code: string, language: 'nl' | 'en'): string {
  return (
    FIXED_NAMES[language][code] ?? new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code
  );
}

function codeOrFail(value: unknown, ctx: TransformContext): string | null {
  const raw = textOf(value, ctx);
  if (raw === null) return null;
  return countryCodeOf(raw) ?? fail(ctx, 'is not a recognised country name or ISO 3166 code');
}

function countryPair(language: 'nl' | 'en'): TransformPair {
  return {
    toMailplus: codeOrFail,
    toDataverse(value, ctx) {
      // Mail+ may hold a name typed by hand; any recognised form is written back as a name.
      const code = codeOrFail(value, ctx);
      return code === null ? null : countryNameOf(code, language);
    },
  };
}

export const country = countryPair('nl');
export const countryEn = countryPair('en');
