import { get } from '../lib/api.js';
import { barChart } from '../lib/chart.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { dateTime, duration, hour, number, shortDate } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'dash.title': 'Dashboard',
    'dash.intro':
      'Every tenant’s sync: its state, its last round, what waits in the queue and what was refused. Ids and counts only.',
    'dash.none': 'No tenants yet. Add one with: koppel tenant add <id> "<name>"',
    'dash.totals': 'All tenants',
    'dash.tenants': 'Tenants',
    'dash.tenant': 'Tenant',
    'dash.name': 'Name',
    'dash.state': 'State',
    'dash.why': 'Why',
    'dash.lastRound': 'Last round',
    'dash.lag': 'Lag',
    'dash.lagHint': 'time since the last successful round',
    'dash.queued': 'Waiting in the queue',
    'dash.dead': 'Dead letters',
    'dash.charts': 'Throughput and lag',
    'dash.show': 'Show charts for',
    'dash.all': 'all tenants together',
    'dash.written24': 'Contacts written, per hour (last 24 hours)',
    'dash.written30': 'Contacts written, per day (last 30 days)',
    'dash.lag24': 'Largest lag, per hour (last 24 hours), in minutes',
    'dash.contacts': 'contacts',
    'dash.minutes': 'minutes',
    'dash.hour': 'Hour',
    'dash.day': 'Day',
    'dash.count.live': 'live',
    'dash.count.loading': 'loading',
    'dash.count.paused': 'paused',
    'dash.count.failing': 'failing',
    'state.live': 'live',
    'state.loading': 'loading',
    'state.paused': 'paused',
    'state.failing': 'failing',
  },
  nl: {
    'dash.title': 'Overzicht',
    'dash.intro':
      'De synchronisatie van elke klant: de toestand, de laatste ronde, wat in de wachtrij staat en wat is geweigerd. Alleen id’s en aantallen.',
    'dash.none': 'Nog geen klanten. Voeg er een toe met: koppel tenant add <id> "<naam>"',
    'dash.totals': 'Alle klanten',
    'dash.tenants': 'Klanten',
    'dash.tenant': 'Klant',
    'dash.name': 'Naam',
    'dash.state': 'Toestand',
    'dash.why': 'Waarom',
    'dash.lastRound': 'Laatste ronde',
    'dash.lag': 'Achterstand',
    'dash.lagHint': 'tijd sinds de laatste geslaagde ronde',
    'dash.queued': 'In de wachtrij',
    'dash.dead': 'Dode berichten',
    'dash.charts': 'Doorvoer en achterstand',
    'dash.show': 'Grafieken tonen voor',
    'dash.all': 'alle klanten samen',
    'dash.written24': 'Geschreven contacten per uur (laatste 24 uur)',
    'dash.written30': 'Geschreven contacten per dag (laatste 30 dagen)',
    'dash.lag24': 'Grootste achterstand per uur (laatste 24 uur), in minuten',
    'dash.contacts': 'contacten',
    'dash.minutes': 'minuten',
    'dash.hour': 'Uur',
    'dash.day': 'Dag',
    'dash.count.live': 'actief',
    'dash.count.loading': 'laadt',
    'dash.count.paused': 'gepauzeerd',
    'dash.count.failing': 'faalt',
    'state.live': 'actief',
    'state.loading': 'laadt',
    'state.paused': 'gepauzeerd',
    'state.failing': 'faalt',
  },
};

export async function render({ main }) {
  const answer = await get('/api/dashboard');
  const body = h('div');
  replace(main, h('h1', null, t('dash.title')), h('p', null, t('dash.intro')), body);
  if (!answer.ok) return replace(body, notice('error', t('common.error', { error: answer.error })));
  const { tenants, totals } = answer.data;
  if (tenants.length === 0) return replace(body, h('p', { class: 'empty' }, t('dash.none')));
  const charts = h('div', { id: 'charts' });
  const choose = h(
    'select',
    { id: 'chart-tenant', onchange: () => replace(charts, chartsFor(tenants, choose.value)) },
    h('option', { value: '' }, t('dash.all')),
    tenants.map((tenant) => h('option', { value: tenant.id }, tenant.id)),
  );
  replace(
    body,
    totalsCard(totals),
    h('h2', null, t('dash.tenants')),
    tenantTable(tenants),
    h('h2', null, t('dash.charts')),
    h('div', { class: 'field' }, h('label', { for: 'chart-tenant' }, t('dash.show')), choose),
    charts,
  );
  replace(charts, chartsFor(tenants, ''));
}

function totalsCard(totals) {
  const item = (label, value) => [h('dt', null, label), h('dd', null, number(value))];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'totals' },
    h('h2', { id: 'totals' }, t('dash.totals')),
    h(
      'dl',
      { class: 'figures' },
      item(t('dash.tenants'), totals.tenants),
      ['live', 'loading', 'paused', 'failing'].map((state) => item(t(`dash.count.${state}`), totals[state])),
      item(t('dash.queued'), totals.queueDepth),
      item(t('dash.dead'), totals.deadLetters),
    ),
  );
}

function tenantTable(tenants) {
  return table({
    caption: t('dash.tenants'),
    className: 'tenants',
    columns: [
      t('dash.tenant'),
      t('dash.name'),
      t('dash.state'),
      t('dash.lastRound'),
      t('dash.lag'),
      t('dash.queued'),
      t('dash.dead'),
    ],
    rows: tenants.map((tenant) => [
      h('a', { href: `/tenants/${encodeURIComponent(tenant.id)}` }, tenant.id),
      tenant.name,
      [
        h('span', { class: `badge ${tenant.state}` }, t(`state.${tenant.state}`)),
        tenant.reason ? h('span', { class: 'hint' }, ` ${tenant.reason}`) : null,
      ],
      tenant.lastRound ? dateTime(tenant.lastRound.endedAt) : '–',
      h('span', { title: t('dash.lagHint') }, duration(tenant.lagSeconds)),
      number(tenant.queueDepth),
      tenant.deadLetters > 0 ? h('a', { href: '/dead-letters' }, number(tenant.deadLetters)) : '0',
    ]),
  });
}

/** One tenant's series, or all tenants' summed (lag: the largest of any tenant in the bucket). */
function chartsFor(tenants, id) {
  const chosen = id ? tenants.filter((tenant) => tenant.id === id) : tenants;
  const hourly = combine(chosen.map((tenant) => tenant.hourly));
  const daily = combine(chosen.map((tenant) => tenant.daily));
  const label = (series, format) => (_, i) => format(series.start + i * series.stepSeconds * 1000);
  const points = (series, values, format) =>
    values.map((value, i) => ({ label: label(series, format)(value, i), value }));
  return [
    barChart({
      title: t('dash.written24'),
      points: points(hourly, hourly.written, hour),
      valueLabel: t('dash.contacts'),
      labelHeader: t('dash.hour'),
      format: number,
    }),
    barChart({
      title: t('dash.written30'),
      points: points(daily, daily.written, shortDate),
      valueLabel: t('dash.contacts'),
      labelHeader: t('dash.day'),
      format: number,
    }),
    barChart({
      title: t('dash.lag24'),
      points: points(hourly, hourly.lagMinutes, hour),
      valueLabel: t('dash.minutes'),
      labelHeader: t('dash.hour'),
      format: number,
      className: 'lag',
    }),
  ];
}

function combine(list) {
  const first = list[0];
  const length = first.rounds.length;
  const written = Array.from({ length }, (_, i) =>
    list.reduce((n, s) => n + s.dataverseWritten[i] + s.mailplusWritten[i], 0),
  );
  const lagMinutes = Array.from({ length }, (_, i) =>
    Math.round(Math.max(0, ...list.map((s) => s.lagSeconds[i] ?? 0)) / 60),
  );
  return { start: first.start, stepSeconds: first.stepSeconds, written, lagMinutes };
}
