/**
 * The log's safety net for personal data: keys that could hold personal data or secrets are replaced
 * wherever they occur (pino's own redaction matches fixed paths only, so `{ a: { b: { email } } }`
 * slipped through), and text that came from a remote system has its e-mail addresses and quoted values
 * removed: services echo the offending value in their error messages ("'jan@…' is not valid").
 */
export const REDACTED_KEYS = new Set(
  [
    'email',
    'emailaddress1',
    'firstName',
    'firstname',
    'lastName',
    'lastname',
    'phone',
    'mobile',
    'payload',
    'properties',
    'secret',
    'clientSecret',
    'consumerSecret',
    'password',
    'authorization',
  ].map((k) => k.toLowerCase()),
);

/** Keys whose text may quote a remote service's error message; logged with redactText. */
const REMOTE_TEXT_KEYS = new Set(['reason', 'description']);

export const CENSOR = '[redacted]';
const MAX_DEPTH = 12;
const EMAIL = /[^\s@'"<>(),;:]+@[^\s@'"<>(),;:]+\.[^\s@'"<>(),;:]+/g;
const QUOTED = /'[^']{1,500}'|"[^"]{1,500}"|«[^»]{1,500}»/g;

// What services quote besides values: column and entity logical names ('new_klantnummer', 'contact')
// and limits ('20'), which say what went wrong and are no one's data.
const SCHEMA_WORD = /^(\d+|[a-z][a-z0-9_]*)$/;

/** Remote text without the values it quotes: the error's wording and the names of fields stay. */
export function redactText(text: string): string {
  return text
    .replace(EMAIL, CENSOR)
    .replace(QUOTED, (q) => (SCHEMA_WORD.test(q.slice(1, -1)) ? q : `${q[0]}${CENSOR}${q.at(-1)}`));
}

/** A copy of `value` with every personal-data key censored, at any depth (plain objects and arrays). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (REDACTED_KEYS.has(key.toLowerCase())) out[key] = CENSOR;
    else if (REMOTE_TEXT_KEYS.has(key) && typeof inner === 'string') out[key] = redactText(inner);
    else out[key] = redactDeep(inner, depth + 1);
  }
  return out;
}
