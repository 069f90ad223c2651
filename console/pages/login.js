import { call } from '../lib/api.js';
import { field, h, notice, replace } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'login.title': 'Sign in to koppel',
    'login.intro':
      'Your username, your password and the 6-digit code from your authenticator app (or a recovery code).',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.code': 'Code',
    'login.codeHint': '6 digits, changes every 30 seconds',
    'login.submit': 'Sign in',
    'login.failed':
      'Sign-in failed: wrong username, password or code. After several failures sign-in is locked for a while.',
    'login.enrol': 'Your account is new: set up your authenticator app.',
  },
  nl: {
    'login.title': 'Inloggen bij koppel',
    'login.intro':
      'Uw gebruikersnaam, uw wachtwoord en de 6-cijferige code uit uw authenticator-app (of een herstelcode).',
    'login.username': 'Gebruikersnaam',
    'login.password': 'Wachtwoord',
    'login.code': 'Code',
    'login.codeHint': '6 cijfers, elke 30 seconden een nieuwe',
    'login.submit': 'Inloggen',
    'login.failed':
      'Inloggen mislukt: verkeerde gebruikersnaam, wachtwoord of code. Na meerdere pogingen is inloggen een tijd geblokkeerd.',
    'login.enrol': 'Uw account is nieuw: stel uw authenticator-app in.',
  },
};

/** Only a path on this server: `next` comes from the address bar, so `//elsewhere` is refused. */
export function safeNext(params) {
  const next = params.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export async function render({ main, params }) {
  const message = h('div', { class: 'messages' });
  const form = h(
    'form',
    { class: 'login', novalidate: true },
    field({ label: t('login.username'), name: 'username', autocomplete: 'username', required: true }),
    field({
      label: t('login.password'),
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    field({
      label: t('login.code'),
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      hint: t('login.codeHint'),
      required: true,
    }),
    h('button', { type: 'submit' }, t('login.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const answer = await call('POST', '/api/session', {
      username: String(data.get('username') ?? ''),
      password: String(data.get('password') ?? ''),
      code: String(data.get('code') ?? '').replace(/\s/g, ''),
    });
    if (answer.ok) {
      location.assign(safeNext(params));
      return;
    }
    if (answer.status === 409 && answer.data?.enrol) {
      location.assign('/enrol');
      return;
    }
    replace(message, notice('error', t('login.failed')));
    /** @type {HTMLInputElement} */ (form.querySelector('[name=code]')).value = '';
  });
  replace(
    main,
    h(
      'section',
      { class: 'narrow' },
      h('h1', null, t('login.title')),
      h('p', null, t('login.intro')),
      message,
      form,
    ),
  );
}
