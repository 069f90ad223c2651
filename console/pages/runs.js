import { get } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { dateTime, number } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'runs.title': 'Runs and outcomes',
    'runs.intro':
      'Every sync round of the last 30 days with its counts, and per round the records that were refused: contact id, field, rule and reason. Ids and reasons only; the values themselves stay in the dead letter.',
    'runs.filter': 'Filter',
    'runs.tenant': 'Tenant',
    'runs.anyTenant': 'all tenants',
    'runs.outcome': 'Outcome',
    'runs.anyOutcome': 'any',
    'runs.outcome.ok': 'ok',
    'runs.outcome.failed': 'failed',
    'runs.from': 'From (date)',
    'runs.to': 'Up to and including (date)',
    'runs.apply': 'Show',
    'runs.csv': 'Export refused records as CSV (ids and reasons)',
    'runs.none': 'No rounds match this filter.',
    'runs.caption': 'Sync rounds, newest first',
    'runs.started': 'Started',
    'runs.kind': 'Kind',
    'runs.kind.initial': 'first load',
    'runs.kind.live': 'live',
    'runs.kind.resync': 'full resync',
    'runs.read': 'Read (Dataverse / Mail+)',
    'runs.written': 'Written (Dataverse / Mail+)',
    'runs.rejected': 'Refused',
    'runs.retries': 'Retries',
    'runs.rateLimited': '429s',
    'runs.error': 'Error',
    'runs.showRejects': 'Show the {n} refused records of round {id}',
    'runs.older': 'Older rounds',
    'runs.newest': 'Newest rounds',
    'runs.rejectsTitle': 'Refused records of round {id}',
    'runs.contact': 'Contact id',
    'runs.field': 'Field',
    'runs.rule': 'Rule',
    'runs.reason': 'Reason',
    'runs.side': 'Going to',
    'runs.deadLetter': 'Dead letter',
  },
  nl: {
    'runs.title': 'Rondes en uitkomsten',
    'runs.intro':
      'Elke synchronisatieronde van de laatste 30 dagen met de aantallen, en per ronde de geweigerde records: contact-id, veld, regel en reden. Alleen id’s en redenen; de waarden zelf blijven in het dode bericht.',
    'runs.filter': 'Filter',
    'runs.tenant': 'Klant',
    'runs.anyTenant': 'alle klanten',
    'runs.outcome': 'Uitkomst',
    'runs.anyOutcome': 'alle',
    'runs.outcome.ok': 'gelukt',
    'runs.outcome.failed': 'mislukt',
    'runs.from': 'Vanaf (datum)',
    'runs.to': 'Tot en met (datum)',
    'runs.apply': 'Tonen',
    'runs.csv': 'Geweigerde records exporteren als CSV (id’s en redenen)',
    'runs.none': 'Geen rondes voor dit filter.',
    'runs.caption': 'Synchronisatierondes, nieuwste eerst',
    'runs.started': 'Begonnen',
    'runs.kind': 'Soort',
    'runs.kind.initial': 'eerste lading',
    'runs.kind.live': 'live',
    'runs.kind.resync': 'volledige hersynchronisatie',
    'runs.read': 'Gelezen (Dataverse / Mail+)',
    'runs.written': 'Geschreven (Dataverse / Mail+)',
    'runs.rejected': 'Geweigerd',
    'runs.retries': 'Herhalingen',
    'runs.rateLimited': '429’s',
    'runs.error': 'Fout',
    'runs.showRejects': 'Toon de {n} geweigerde records van ronde {id}',
    'runs.older': 'Oudere rondes',
    'runs.newest': 'Nieuwste rondes',
    'runs.rejectsTitle': 'Geweigerde records van ronde {id}',
    'runs.contact': 'Contact-id',
    'runs.field': 'Veld',
    'runs.rule': 'Regel',
    'runs.reason': 'Reden',
    'runs.side': 'Op weg naar',
    'runs.deadLetter': 'Dood bericht',
  },
};

/** A date field's value (yyyy-mm-dd) as the start of that day in the browser's time, in ms. */
const dayStart = (value, plusDays = 0) => {
  const date = new Date(`${value}T00:00:00`);
  date.setDate(date.getDate() + plusDays);
  return String(date.getTime());
};

export async function render({ main, params }) {
  const query = new URLSearchParams();
  for (const key of ['tenant', 'outcome', 'cursor']) if (params.get(key)) query.set(key, params.get(key));
  if (params.get('fromDate')) query.set('from', dayStart(params.get('fromDate')));
  if (params.get('toDate')) query.set('to', dayStart(params.get('toDate'), 1));
  const [runs, dashboard] = await Promise.all([get(`/api/runs?${query}`), get('/api/dashboard')]);
  const details = h('section', { id: 'rejects', 'aria-live': 'polite' });
  replace(main, h('h1', null, t('runs.title')), h('p', null, t('runs.intro')));
  const tenants = dashboard.ok ? dashboard.data.tenants.map((tenant) => tenant.id) : [];
  main.append(filterForm(params, tenants), csvLink(query));
  if (!runs.ok) return main.append(notice('error', t('common.error', { error: runs.error })));
  main.append(runTable(runs.data.runs, details), pager(params, runs.data.nextCursor), details);
}

function filterForm(params, tenants) {
  const select = (name, label, options) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, label),
      h(
        'select',
        { id: `f-${name}`, name },
        options.map(([value, text]) => h('option', { value, selected: params.get(name) === value }, text)),
      ),
    );
  const date = (name, label) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, label),
      h('input', { id: `f-${name}`, name, type: 'date', value: params.get(name) ?? '' }),
    );
  return h(
    'form',
    { method: 'get', action: '/runs', class: 'card filters', 'aria-label': t('runs.filter') },
    h(
      'div',
      { class: 'grid' },
      select('tenant', t('runs.tenant'), [['', t('runs.anyTenant')], ...tenants.map((id) => [id, id])]),
      select('outcome', t('runs.outcome'), [
        ['', t('runs.anyOutcome')],
        ['ok', t('runs.outcome.ok')],
        ['failed', t('runs.outcome.failed')],
      ]),
      date('fromDate', t('runs.from')),
      date('toDate', t('runs.to')),
    ),
    h('button', { type: 'submit' }, t('runs.apply')),
  );
}

function csvLink(query) {
  const csv = new URLSearchParams();
  for (const key of ['tenant', 'from', 'to']) if (query.get(key)) csv.set(key, query.get(key));
  return h(
    'p',
    null,
    h('a', { class: 'button secondary', href: `/api/runs/rejects.csv?${csv}`, download: '' }, t('runs.csv')),
  );
}

function runTable(runs, details) {
  return table({
    caption: t('runs.caption'),
    empty: t('runs.none'),
    columns: [
      t('runs.started'),
      t('runs.tenant'),
      t('runs.kind'),
      t('runs.outcome'),
      t('runs.read'),
      t('runs.written'),
      t('runs.rejected'),
      t('runs.retries'),
      t('runs.rateLimited'),
      t('runs.error'),
    ],
    rows: runs.map((run) => [
      dateTime(run.startedAt),
      run.tenantId,
      t(`runs.kind.${run.kind}`),
      h(
        'span',
        { class: `badge ${run.outcome === 'ok' ? 'ok' : 'failing'}` },
        t(`runs.outcome.${run.outcome}`),
      ),
      `${number(run.dataverseRead)} / ${number(run.mailplusRead)}`,
      `${number(run.dataverseWritten)} / ${number(run.mailplusWritten)}`,
      run.rejected > 0
        ? h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': t('runs.showRejects', { n: run.rejected, id: run.id }),
              onclick: () => showRejects(run.id, details),
            },
            number(run.rejected),
          )
        : '0',
      number(run.retries),
      number(run.rateLimited),
      run.errorClass ? `${run.errorClass}${run.errorCode ? ` (${run.errorCode})` : ''}` : '–',
    ]),
  });
}

async function showRejects(id, details) {
  const answer = await get(`/api/runs/${id}/rejects?limit=500`);
  if (!answer.ok) return replace(details, notice('error', t('common.error', { error: answer.error })));
  replace(
    details,
    h('h2', { tabindex: '-1' }, t('runs.rejectsTitle', { id })),
    table({
      caption: t('runs.rejectsTitle', { id }),
      columns: [
        t('runs.contact'),
        t('runs.field'),
        t('runs.rule'),
        t('runs.reason'),
        t('runs.side'),
        t('runs.deadLetter'),
      ],
      rows: answer.data.rejects.map((r) => [
        r.contactId,
        r.field ?? '–',
        r.rule,
        r.reason,
        r.side,
        r.deadLetterSeq === null ? '–' : `#${r.deadLetterSeq}`,
      ]),
    }),
  );
  details.querySelector('h2')?.focus();
}

function pager(params, nextCursor) {
  const links = [];
  if (params.get('cursor')) {
    const first = new URLSearchParams(params);
    first.delete('cursor');
    links.push(h('a', { href: `/runs?${first}` }, t('runs.newest')));
  }
  if (nextCursor) {
    const next = new URLSearchParams(params);
    next.set('cursor', nextCursor);
    links.push(h('a', { href: `/runs?${next}` }, t('runs.older')));
  }
  return h('p', { class: 'actions' }, links);
}
