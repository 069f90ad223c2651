import type { Language } from '../../register/texts.js';

/**
 * Moments as people in the Netherlands read them: Europe/Amsterdam, with CET or CEST named so a
 * reader across the DST change knows which. Inside koppel every moment is UTC milliseconds.
 */
const LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };
const moments = new Map<Language, Intl.DateTimeFormat>();
const numbers = new Map<Language, Intl.NumberFormat>();

export function formatMoment(ms: number, lang: Language): string {
  let format = moments.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[lang], {
      timeZone: 'Europe/Amsterdam',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    moments.set(lang, format);
  }
  return format.format(ms);
}

/** The date only (Europe/Amsterdam), for a review's period. */
export function formatDay(ms: number, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(ms);
}

export function formatNumber(n: number, lang: Language): string {
  let format = numbers.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[lang]);
    numbers.set(lang, format);
  }
  return format.format(n);
}

const HOUR = 3_600_000;

/** A span of clock hours, e.g. "26 h 05 min" (weekends and DST changes count as the hours they are). */
export function formatSpan(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h} h ${String(m).padStart(2, '0')} min`;
}

export const hours = (n: number): number => n * HOUR;
