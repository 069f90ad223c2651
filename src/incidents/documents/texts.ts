import type { Language } from '../../register/texts.js';
import { type DocTexts, en } from './texts-en.js';
import { nl } from './texts-nl.js';

export type { DocTexts };

export function textsFor(lang: Language): DocTexts {
  return lang === 'en' ? en : nl;
}
