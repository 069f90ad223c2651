/**
 * The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7). `Date.parse` alone is far too
 * lenient for a header: it reads "-5" and "garbage 12" as dates in 2001.
 */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE =
  /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Epoch milliseconds of an HTTP-date, or null when `value` is not one. */
export function parseHttpDate(value: string): number | null {
  const text = value.trim();
  // asctime carries no zone, and HTTP-dates are always GMT; Date.parse would read it as local time.
  const parseable = ASCTIME_DATE.test(text)
    ? `${text} GMT`
    : IMF_FIXDATE.test(text) || RFC850_DATE.test(text)
      ? text
      : null;
  if (parseable === null) return null;
  const ms = Date.parse(parseable);
  return Number.isNaN(ms) ? null : ms;
}
