// Dutch and English: the choice is kept in localStorage; the first visit follows the browser's languages.
const LANGS = ['nl', 'en'];
const KEY = 'koppel.lang';
/** @type {Record<string, Record<string, string>>} */
const strings = { en: {}, nl: {} };

/** Pages add their own strings, so each page's texts live beside its code. */
export function addStrings(/** @type {{en: Record<string,string>, nl: Record<string,string>}} */ more) {
  Object.assign(strings.en, more.en);
  Object.assign(strings.nl, more.nl);
}

export function lang() {
  const chosen = localStorage.getItem(KEY);
  if (chosen && LANGS.includes(chosen)) return chosen;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const base = wanted.toLowerCase().split('-')[0] ?? '';
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export function setLang(/** @type {string} */ value) {
  localStorage.setItem(KEY, value);
}

/**
 * The text for `key` in the current language, `{name}` placeholders filled in. A key missing in Dutch
 * falls back to English, and a key missing everywhere shows itself (a test catches that).
 * @param {string} key @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  const text = strings[lang()]?.[key] ?? strings.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Keys that have no Dutch (or no English) text: the browser tests require none. */
export function missingStrings() {
  const en = Object.keys(strings.en);
  const nl = Object.keys(strings.nl);
  return [...en.filter((k) => !(k in strings.nl)), ...nl.filter((k) => !(k in strings.en))];
}
