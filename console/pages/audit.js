import { get } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { dateTime, number } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'audit.title': 'Audit log',
    'audit.intro':
      'Every administrative action: who, from where, what, on which id, with which result. Each entry holds the hash of the one before, so a changed or removed entry breaks the chain.',
    'audit.chain': 'Chain verification',
    'audit.intact': 'The chain is intact: {entries} entries, head {head}.',
    'audit.broken': 'The chain is broken at entry {seq}: {why}. Someone changed or removed entries.',
    'audit.verifyFailed': 'The chain could not be verified: {error}',
    'audit.cli': 'From the shell: koppel audit verify',
    'audit.caption': 'Entries {from} to {to} of {total}, newest first',
    'audit.none': 'No entries.',
    'audit.seq': '#',
    'audit.at': 'When',
    'audit.actor': 'Who',
    'audit.address': 'From',
    'audit.action': 'Action',
    'audit.target': 'On',
    'audit.result': 'Result',
    'audit.detail': 'Detail',
    'audit.pages': 'Pages of the audit log',
    'audit.newest': 'Newest entries',
    'audit.older': 'Older entries',
    'audit.result.ok': 'ok',
    'audit.result.refused': 'refused',
    'audit.result.failed': 'failed',
  },
  nl: {
    'audit.title': 'Auditlog',
    'audit.intro':
      'Elke beheerhandeling: wie, vanaf waar, wat, op welk id, met welk resultaat. Elke regel bevat de hash van de vorige, dus een gewijzigde of verwijderde regel breekt de keten.',
    'audit.chain': 'Controle van de keten',
    'audit.intact': 'De keten is intact: {entries} regels, kop {head}.',
    'audit.broken':
      'De keten is gebroken bij regel {seq}: {why}. Iemand heeft regels gewijzigd of verwijderd.',
    'audit.verifyFailed': 'De keten kon niet worden gecontroleerd: {error}',
    'audit.cli': 'Vanaf de shell: koppel audit verify',
    'audit.caption': 'Regels {from} tot {to} van {total}, nieuwste eerst',
    'audit.none': 'Geen regels.',
    'audit.seq': '#',
    'audit.at': 'Wanneer',
    'audit.actor': 'Wie',
    'audit.address': 'Vanaf',
    'audit.action': 'Handeling',
    'audit.target': 'Op',
    'audit.result': 'Resultaat',
    'audit.detail': 'Details',
    'audit.pages': 'Pagina’s van het auditlog',
    'audit.newest': 'Nieuwste regels',
    'audit.older': 'Oudere regels',
    'audit.result.ok': 'ok',
    'audit.result.refused': 'geweigerd',
    'audit.result.failed': 'mislukt',
  },
};

const PAGE = 50;

export async function render({ main, params }) {
  const before = Number(params.get('before'));
  const query = Number.isInteger(before) && before > 0 ? `&before=${before}` : '';
  const chain = h('div', { 'aria-live': 'polite' }, t('app.loading'));
  const list = h('div', null, t('app.loading'));
  replace(
    main,
    h('h1', null, t('audit.title')),
    h('p', null, t('audit.intro')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'audit-chain' },
      h('h2', { id: 'audit-chain' }, t('audit.chain')),
      chain,
      h('p', { class: 'hint' }, t('audit.cli')),
    ),
    list,
  );
  const [verify, page] = await Promise.all([
    get('/api/audit/verify'),
    get(`/api/audit/page?limit=${PAGE}${query}`),
  ]);
  replace(chain, chainStatus(verify));
  if (!page.ok) return replace(list, notice('error', t('common.error', { error: page.error })));
  const { entries, next, total } = page.data;
  replace(
    list,
    table({
      caption: t('audit.caption', {
        from: number(entries.at(-1)?.seq ?? 0),
        to: number(entries[0]?.seq ?? 0),
        total: number(total),
      }),
      className: 'audit',
      empty: t('audit.none'),
      columns: ['seq', 'at', 'actor', 'address', 'action', 'target', 'result', 'detail'].map((c) =>
        t(`audit.${c}`),
      ),
      rows: entries.map((e) => [
        String(e.seq),
        dateTime(e.at),
        e.actor,
        e.address,
        e.action,
        e.target ?? '–',
        h(
          'span',
          { class: `badge ${e.result === 'ok' ? 'green' : e.result === 'refused' ? 'amber' : 'red'}` },
          t(`audit.result.${e.result}`),
        ),
        detailText(e.detail),
      ]),
    }),
    h(
      'nav',
      { class: 'actions', 'aria-label': t('audit.pages') },
      query ? h('a', { href: '/audit' }, t('audit.newest')) : null,
      next !== null ? h('a', { href: `/audit?before=${next}`, rel: 'next' }, t('audit.older')) : null,
    ),
  );
}

function chainStatus(verify) {
  if (!verify.ok) return notice('error', t('audit.verifyFailed', { error: verify.error }));
  const v = verify.data;
  return v.ok
    ? notice('ok', t('audit.intact', { entries: number(v.entries), head: `${String(v.head).slice(0, 12)}…` }))
    : notice('error', t('audit.broken', { seq: v.badSeq, why: v.why }));
}

/** Ids, counts and field names only (that is all an entry holds), as `key: value` pairs. */
function detailText(detail) {
  const pairs = Object.entries(detail ?? {});
  if (pairs.length === 0) return '–';
  return pairs
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    .join('; ');
}
