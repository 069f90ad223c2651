import { lang } from './i18n.js';

// Times are stored and sent in UTC; people read them in Amsterdam's time, in their own language.
const ZONE = 'Europe/Amsterdam';
const locale = () => (lang() === 'nl' ? 'nl-NL' : 'en-GB');

/** @param {string | number | null | undefined} value ISO text or epoch milliseconds */
export function dateTime(value) {
  if (value === null || value === undefined || value === '') return '–';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/** @param {string | number} value */
export function shortDate(value) {
  return new Intl.DateTimeFormat(locale(), { timeZone: ZONE, day: 'numeric', month: 'short' }).format(
    new Date(value),
  );
}

/** @param {string | number} value */
export function hour(value) {
  return new Intl.DateTimeFormat(locale(), { timeZone: ZONE, hour: '2-digit', minute: '2-digit' }).format(
    new Date(value),
  );
}

/** @param {number | null | undefined} value */
export function number(value) {
  if (value === null || value === undefined) return '–';
  return new Intl.NumberFormat(locale()).format(value);
}

/** A duration in seconds as "45 s", "12 min", "3 h 5 min", "2 d 4 h". @param {number | null | undefined} seconds */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
