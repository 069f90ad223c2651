import { call } from '../lib/api.js';
import { field, h, notice, replace } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'enrol.title': 'Set up your authenticator',
    'enrol.intro':
      'Your account is new. Sign in with your username and password once; koppel then shows the secret for your authenticator app and your recovery codes. They are shown only now.',
    'enrol.username': 'Username',
    'enrol.password': 'Password',
    'enrol.start': 'Show my authenticator secret',
    'enrol.failed':
      'That did not work: wrong username or password, or the account is already set up (then sign in as usual).',
    'enrol.scan': 'Scan this QR code with your authenticator app (or type the secret below).',
    'enrol.qr': 'QR code with the authenticator secret for {user}',
    'enrol.secret': 'Secret',
    'enrol.codes': 'Recovery codes',
    'enrol.codesHint':
      'Each code works once, when your authenticator is lost. Store them somewhere safe now: they are not shown again.',
    'enrol.code': 'Code',
    'enrol.codeHint': 'The 6-digit code your app shows now',
    'enrol.confirm': 'Finish and sign in',
    'enrol.wrongCode':
      'That code was not accepted. Check the time on your phone and type the code that is shown now.',
    'enrol.back': 'Back to sign-in',
  },
  nl: {
    'enrol.title': 'Uw authenticator instellen',
    'enrol.intro':
      'Uw account is nieuw. Log één keer in met uw gebruikersnaam en wachtwoord; koppel toont dan het geheim voor uw authenticator-app en uw herstelcodes. Die worden alleen nu getoond.',
    'enrol.username': 'Gebruikersnaam',
    'enrol.password': 'Wachtwoord',
    'enrol.start': 'Toon mijn authenticator-geheim',
    'enrol.failed':
      'Dat lukte niet: verkeerde gebruikersnaam of wachtwoord, of het account is al ingesteld (log dan gewoon in).',
    'enrol.scan': 'Scan deze QR-code met uw authenticator-app (of typ het geheim hieronder over).',
    'enrol.qr': 'QR-code met het authenticator-geheim voor {user}',
    'enrol.secret': 'Geheim',
    'enrol.codes': 'Herstelcodes',
    'enrol.codesHint':
      'Elke code werkt één keer, als uw authenticator kwijt is. Bewaar ze nu op een veilige plek: ze worden niet opnieuw getoond.',
    'enrol.code': 'Code',
    'enrol.codeHint': 'De 6-cijferige code die uw app nu toont',
    'enrol.confirm': 'Afronden en inloggen',
    'enrol.wrongCode':
      'Die code werd niet geaccepteerd. Controleer de tijd op uw telefoon en typ de code die nu wordt getoond.',
    'enrol.back': 'Terug naar inloggen',
  },
};

export async function render({ main }) {
  const message = h('div', { class: 'messages' });
  const step = h('div');
  const form = h(
    'form',
    { novalidate: true },
    field({ label: t('enrol.username'), name: 'username', autocomplete: 'username', required: true }),
    field({
      label: t('enrol.password'),
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    h('button', { type: 'submit' }, t('enrol.start')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const account = {
      username: String(data.get('username') ?? ''),
      password: String(data.get('password') ?? ''),
    };
    const answer = await call('POST', '/api/session/enrolment', account);
    if (!answer.ok) return replace(message, notice('error', t('enrol.failed')));
    replace(message);
    replace(step, secretStep(account, answer.data, message));
    step.querySelector('h2')?.focus();
  });
  replace(step, form);
  replace(
    main,
    h(
      'section',
      { class: 'narrow' },
      h('h1', null, t('enrol.title')),
      h('p', null, t('enrol.intro')),
      message,
      step,
      h('p', null, h('a', { href: '/login' }, t('enrol.back'))),
    ),
  );
}

function secretStep(account, enrolment, message) {
  const confirm = h(
    'form',
    { novalidate: true },
    field({
      label: t('enrol.code'),
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      hint: t('enrol.codeHint'),
    }),
    h('button', { type: 'submit' }, t('enrol.confirm')),
  );
  confirm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = String(new FormData(confirm).get('code') ?? '').replace(/\s/g, '');
    const answer = await call('POST', '/api/session/enrolment/confirm', { ...account, code });
    if (answer.ok) return location.assign('/');
    replace(message, notice('error', t('enrol.wrongCode')));
  });
  return [
    h('h2', { tabindex: '-1' }, t('enrol.scan')),
    h(
      'div',
      { class: 'qr', role: 'img', 'aria-label': t('enrol.qr', { user: account.username }) },
      qrCode(enrolment.qrSvg),
    ),
    h(
      'dl',
      { class: 'figures' },
      h('dt', null, t('enrol.secret')),
      h('dd', { class: 'secret' }, enrolment.secret),
    ),
    h('h2', null, t('enrol.codes')),
    h('p', { class: 'hint' }, t('enrol.codesHint')),
    h(
      'ul',
      { class: 'codes' },
      enrolment.recoveryCodes.map((code) => h('li', null, code)),
    ),
    confirm,
  ];
}

/**
 * The QR code is an SVG the server drew (the qrcode package) from the otpauth URI: parsed as SVG, not
 * HTML, and made of paths only; nothing typed by anyone is in it.
 */
function qrCode(svgText) {
  const svg = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
  svg.setAttribute('aria-hidden', 'true');
  return document.importNode(svg, true);
}
