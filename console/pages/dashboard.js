import { get } from '../lib/api.js';
import { h, notice, replace } from '../lib/dom.js';
import { dateTime, number } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'dash.title': 'Dashboard',
    'dash.intro':
      'Every tenant’s sync: its state, its last round, what waits in the queue and what was refused. Ids and counts only.',
    'dash.none': 'No tenants yet. Add one with: koppel tenant add <id> "<name>"',
    'dash.state': 'State',
    'dash.lastRound': 'Last round',
    'dash.queued': 'Waiting in the queue',
    'dash.dead': 'Dead letters',
    'dash.open': 'Open tenant {id}',
    'state.live': 'live',
    'state.loading': 'loading',
    'state.paused': 'paused',
    'state.failing': 'failing',
    'state.unknown': 'unknown',
  },
  nl: {
    'dash.title': 'Overzicht',
    'dash.intro':
      'De synchronisatie van elke klant: de toestand, de laatste ronde, wat in de wachtrij staat en wat is geweigerd. Alleen id’s en aantallen.',
    'dash.none': 'Nog geen klanten. Voeg er een toe met: koppel tenant add <id> "<naam>"',
    'dash.state': 'Toestand',
    'dash.lastRound': 'Laatste ronde',
    'dash.queued': 'In de wachtrij',
    'dash.dead': 'Dode berichten',
    'dash.open': 'Klant {id} openen',
    'state.live': 'actief',
    'state.loading': 'laadt',
    'state.paused': 'gepauzeerd',
    'state.failing': 'faalt',
    'state.unknown': 'onbekend',
  },
};

export async function render({ main }) {
  const answer = await get('/api/status');
  const body = h('div');
  replace(main, h('h1', null, t('dash.title')), h('p', null, t('dash.intro')), body);
  if (!answer.ok) return replace(body, notice('error', t('common.error', { error: answer.error })));
  const tenants = answer.data.tenants ?? [];
  if (tenants.length === 0) return replace(body, h('p', { class: 'empty' }, t('dash.none')));
  replace(body, h('div', { class: 'grid' }, tenants.map(tenantCard)));
}

function tenantCard(tenant) {
  const state = tenant.sync?.loading ? 'loading' : tenant.status === 'active' ? 'live' : 'unknown';
  const queued = (tenant.queues ?? []).reduce((n, q) => n + q.ready + q.scheduled + q.inFlight, 0);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `t-${tenant.id}` },
    h(
      'h2',
      { id: `t-${tenant.id}` },
      h('a', { href: `/tenants/${encodeURIComponent(tenant.id)}` }, tenant.id),
    ),
    h(
      'dl',
      { class: 'figures' },
      h('dt', null, t('dash.state')),
      h('dd', null, h('span', { class: `badge ${state}` }, t(`state.${state}`))),
      h('dt', null, t('dash.lastRound')),
      h('dd', null, dateTime(tenant.sync?.lastRoundAt)),
      h('dt', null, t('dash.queued')),
      h('dd', null, number(queued)),
      h('dt', null, t('dash.dead')),
      h('dd', null, number(tenant.deadLetters)),
    ),
  );
}
