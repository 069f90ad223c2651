import { currentSession, del } from './lib/api.js';
import { h, notice, replace } from './lib/dom.js';
import { addStrings, lang, setLang, t } from './lib/i18n.js';
import { common } from './lib/strings.js';

// The shell: the server names the page (and its id) on <body>; this module signs in, draws the
// navigation and the language switch, and hands the <main> element to the page's own module.
addStrings(common);

/** Menu entries; `admin` ones are hidden from the DPO (the API refuses them anyway). */
const MENU = [
  { href: '/', key: 'nav.dashboard', page: 'dashboard' },
  { href: '/runs', key: 'nav.runs', page: 'runs' },
  { href: '/dead-letters', key: 'nav.deadLetters', page: 'dead-letters', admin: true },
  { href: '/incidents', key: 'nav.incidents', page: 'incidents' },
  { href: '/register', key: 'nav.register', page: 'register' },
  { href: '/audit', key: 'nav.audit', page: 'audit' },
  { href: '/settings', key: 'nav.settings', page: 'settings' },
];
const PUBLIC_PAGES = new Set(['login', 'enrol']);

async function start() {
  const body = document.body;
  const page = body.dataset.page ?? 'dashboard';
  document.documentElement.lang = lang();
  const session = PUBLIC_PAGES.has(page) ? null : await currentSession();
  if (!PUBLIC_PAGES.has(page) && !session) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    return;
  }
  const module = await import(`./pages/${page}.js`);
  if (module.strings) addStrings(module.strings);
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  const header = /** @type {HTMLElement} */ (document.getElementById('top'));
  const draw = async () => {
    document.documentElement.lang = lang();
    replace(header, banner(page, session, draw));
    replace(main);
    await module.render({
      main,
      session,
      id: body.dataset.id ?? '',
      params: new URLSearchParams(location.search),
    });
    const heading = main.querySelector('h1');
    document.title = `${heading?.textContent ?? t('app.name')} · koppel`;
    body.dataset.ready = 'true';
  };
  await draw();
}

function banner(page, session, redraw) {
  return [
    h('a', { class: 'skip', href: '#main' }, t('app.skip')),
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: session ? '/' : '/login' }, 'koppel'),
      session
        ? h(
            'nav',
            { 'aria-label': t('nav.label') },
            h(
              'ul',
              null,
              MENU.filter((m) => !m.admin || session.role === 'admin').map((m) =>
                h(
                  'li',
                  null,
                  h('a', { href: m.href, 'aria-current': m.page === page ? 'page' : undefined }, t(m.key)),
                ),
              ),
            ),
          )
        : null,
      h('div', { class: 'tools' }, languageSwitch(redraw), session ? account(session) : null),
    ),
  ];
}

function languageSwitch(redraw) {
  const current = lang();
  return h(
    'div',
    { class: 'lang', role: 'group', 'aria-label': t('lang.label') },
    ['nl', 'en'].map((code) =>
      h(
        'button',
        {
          type: 'button',
          lang: code,
          'aria-pressed': String(code === current),
          onclick: () => {
            setLang(code);
            void redraw();
          },
        },
        code === 'nl' ? 'Nederlands' : 'English',
      ),
    ),
  );
}

function account(session) {
  return h(
    'div',
    { class: 'account' },
    h('span', null, t('account.signedIn', { user: session.username, role: t(`role.${session.role}`) })),
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          await del('/api/session');
          location.assign('/login');
        },
      },
      t('account.logout'),
    ),
  );
}

void start().catch((error) => {
  const main = document.getElementById('main');
  if (main) replace(main, notice('error', `${t('app.failed')} ${String(error)}`));
  // Drawn, if only with the error: a test (or a person) waiting for the page sees why it failed.
  document.body.dataset.ready = 'error';
});
