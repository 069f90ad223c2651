import { get, post } from '../lib/api.js';
import { field, h, notice, replace, table } from '../lib/dom.js';
import { dateTime, duration } from '../lib/format.js';
import { lang, t } from '../lib/i18n.js';

/** Texts shared with the incident page (incident.js adds them to its own). */
export const sharedStrings = {
  en: {
    'inc.state.reported': 'reported',
    'inc.state.triage': 'triage',
    'inc.state.not-a-breach': 'not a breach',
    'inc.state.breach-confirmed': 'breach confirmed',
    'inc.state.assessment': 'assessment',
    'inc.state.informing-customers': 'informing customers',
    'inc.state.customers-informed': 'customers informed',
    'inc.state.follow-up': 'follow-up',
    'inc.state.closed': 'closed',
    'inc.deadline.customer-notice': 'Notice to {tenant} (our promise)',
    'inc.deadline.controller-authority': '{tenant}’s own 72 hours for the AP',
    'inc.deadline.own-authority': 'Our own 72 hours for the AP',
    'inc.colour.green': 'on time',
    'inc.colour.amber': 'half the time used',
    'inc.colour.red': 'nearly due',
    'inc.colour.overdue': 'overdue',
    'inc.colour.met': 'met',
    'inc.left': '{left} left',
    'inc.due': 'due {due}',
    'inc.noClocks': 'No deadlines yet: they start when a breach is confirmed.',
  },
  nl: {
    'inc.state.reported': 'gemeld',
    'inc.state.triage': 'beoordeling',
    'inc.state.not-a-breach': 'geen datalek',
    'inc.state.breach-confirmed': 'datalek bevestigd',
    'inc.state.assessment': 'risicobeoordeling',
    'inc.state.informing-customers': 'klanten informeren',
    'inc.state.customers-informed': 'klanten geïnformeerd',
    'inc.state.follow-up': 'nazorg',
    'inc.state.closed': 'gesloten',
    'inc.deadline.customer-notice': 'Melding aan {tenant} (onze belofte)',
    'inc.deadline.controller-authority': 'De eigen 72 uur van {tenant} voor de AP',
    'inc.deadline.own-authority': 'Onze eigen 72 uur voor de AP',
    'inc.colour.green': 'op tijd',
    'inc.colour.amber': 'helft van de tijd verstreken',
    'inc.colour.red': 'bijna verlopen',
    'inc.colour.overdue': 'te laat',
    'inc.colour.met': 'gehaald',
    'inc.left': 'nog {left}',
    'inc.due': 'uiterlijk {due}',
    'inc.noClocks': 'Nog geen termijnen: die beginnen als een datalek is bevestigd.',
  },
};

export const strings = {
  en: {
    ...sharedStrings.en,
    'incidents.title': 'Incidents',
    'incidents.intro':
      'The breach register: every incident or suspicion, its state and its clocks. Colours: green on time, amber after the first reminder, red after the last, overdue past the deadline.',
    'incidents.caption': 'Incidents, newest first',
    'incidents.none': 'No incidents registered.',
    'incidents.id': 'Incident',
    'incidents.subject': 'Title',
    'incidents.state': 'State',
    'incidents.tenants': 'Customers',
    'incidents.reported': 'Reported',
    'incidents.since': 'Since detection',
    'incidents.clocks': 'Deadlines',
    'incidents.openOnly': 'Open incidents only',
    'incidents.all': 'All incidents',
    'incidents.report': 'Report an incident or a suspicion',
    'incidents.reportIntro':
      'Every report is registered at once and e-mailed to the DPO. Facts only: no names or addresses of the people concerned.',
    'incidents.form.title': 'Title',
    'incidents.form.summary': 'What happened (facts, no personal data)',
    'incidents.form.tenants': 'Affected customers (tenant ids, separated by commas)',
    'incidents.form.tenantsHint': 'e.g. acme, globex; leave empty when no customer is affected',
    'incidents.form.operator': 'Our own data are involved (we are the controller): our own 72 hours apply',
    'incidents.form.submit': 'Register the incident',
    'incidents.reportedOk': 'Incident {id} registered.',
    'incidents.dpoNotified': 'The DPO was e-mailed.',
    'incidents.dpoNotNotified': 'The DPO could not be e-mailed: {why}',
  },
  nl: {
    ...sharedStrings.nl,
    'incidents.title': 'Incidenten',
    'incidents.intro':
      'Het datalekregister: elk incident of elke verdenking, de toestand en de klokken. Kleuren: groen op tijd, oranje na de eerste herinnering, rood na de laatste, te laat na de termijn.',
    'incidents.caption': 'Incidenten, nieuwste eerst',
    'incidents.none': 'Geen incidenten geregistreerd.',
    'incidents.id': 'Incident',
    'incidents.subject': 'Titel',
    'incidents.state': 'Toestand',
    'incidents.tenants': 'Klanten',
    'incidents.reported': 'Gemeld',
    'incidents.since': 'Sinds ontdekking',
    'incidents.clocks': 'Termijnen',
    'incidents.openOnly': 'Alleen open incidenten',
    'incidents.all': 'Alle incidenten',
    'incidents.report': 'Een incident of verdenking melden',
    'incidents.reportIntro':
      'Elke melding wordt direct geregistreerd en naar de FG gemaild. Alleen feiten: geen namen of adressen van betrokkenen.',
    'incidents.form.title': 'Titel',
    'incidents.form.summary': 'Wat er gebeurde (feiten, geen persoonsgegevens)',
    'incidents.form.tenants': 'Getroffen klanten (tenant-id’s, gescheiden door komma’s)',
    'incidents.form.tenantsHint': 'bijv. acme, globex; leeg laten als geen klant getroffen is',
    'incidents.form.operator':
      'Het gaat om onze eigen gegevens (wij zijn verwerkingsverantwoordelijke): onze eigen 72 uur gelden',
    'incidents.form.submit': 'Incident registreren',
    'incidents.reportedOk': 'Incident {id} geregistreerd.',
    'incidents.dpoNotified': 'De FG is gemaild.',
    'incidents.dpoNotNotified': 'De FG kon niet worden gemaild: {why}',
  },
};

/** One deadline as a coloured badge with its words: the colour is never the only signal. */
export function deadlineBadge(d) {
  const name = t(`inc.deadline.${d.name}`, { tenant: d.tenantId ?? '' });
  const when =
    d.colour === 'met' || d.colour === 'overdue'
      ? t('inc.due', { due: d.dueDisplay })
      : `${t('inc.left', { left: duration(d.leftMs / 1000) })}, ${t('inc.due', { due: d.dueDisplay })}`;
  return h(
    'li',
    { class: 'deadline', 'data-colour': d.colour },
    h('span', { class: `badge ${d.colour}` }, t(`inc.colour.${d.colour}`)),
    ' ',
    name,
    ': ',
    when,
  );
}

export function stateBadge(state) {
  const kind = state === 'closed' || state === 'not-a-breach' ? 'grey' : 'live';
  return h('span', { class: `badge ${kind}`, 'data-state': state }, t(`inc.state.${state}`));
}

export async function render({ main, params }) {
  const openOnly = params.get('open') === 'true';
  const flash = h('div', { class: 'messages' });
  const list = h('div', null, t('app.loading'));
  replace(
    main,
    h('h1', null, t('incidents.title')),
    h('p', null, t('incidents.intro')),
    flash,
    h(
      'p',
      null,
      h(
        'a',
        { href: openOnly ? '/incidents' : '/incidents?open=true' },
        openOnly ? t('incidents.all') : t('incidents.openOnly'),
      ),
    ),
    list,
    reportForm(flash),
  );
  const answer = await get(`/api/incidents/board?lang=${lang()}&open=${openOnly}`);
  if (!answer.ok) return replace(list, notice('error', t('common.error', { error: answer.error })));
  const incidents = [...answer.data.incidents].sort((a, b) => b.reportedAt - a.reportedAt);
  replace(
    list,
    table({
      caption: t('incidents.caption'),
      className: 'incidents',
      columns: [
        t('incidents.id'),
        t('incidents.subject'),
        t('incidents.state'),
        t('incidents.tenants'),
        t('incidents.reported'),
        t('incidents.since'),
        t('incidents.clocks'),
      ],
      empty: t('incidents.none'),
      rows: incidents.map((i) => [
        h('a', { href: `/incidents/${encodeURIComponent(i.id)}` }, i.id),
        i.title,
        stateBadge(i.state),
        i.tenants.join(', ') || '–',
        dateTime(i.reportedAt),
        i.sinceDetection,
        i.deadlines.length === 0
          ? h('span', { class: 'hint' }, t('inc.noClocks'))
          : h('ul', { class: 'deadlines' }, i.deadlines.map(deadlineBadge)),
      ]),
    }),
  );
}

function reportForm(flash) {
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'report-heading', novalidate: true },
    h('h2', { id: 'report-heading' }, t('incidents.report')),
    h('p', { class: 'hint' }, t('incidents.reportIntro')),
    field({ label: t('incidents.form.title'), name: 'title', required: true, maxlength: 200 }),
    textArea('summary', t('incidents.form.summary')),
    field({
      label: t('incidents.form.tenants'),
      name: 'tenants',
      hint: t('incidents.form.tenantsHint'),
    }),
    h(
      'div',
      { class: 'field check' },
      h('input', { type: 'checkbox', id: 'f-operator', name: 'operator' }),
      h('label', { for: 'f-operator' }, t('incidents.form.operator')),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incidents.form.submit'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const tenants = String(data.get('tenants') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const summary = String(data.get('summary') ?? '').trim();
    const answer = await post('/api/incidents', {
      title: String(data.get('title') ?? '').trim(),
      ...(summary ? { summary } : {}),
      tenants,
      operatorIsController: data.get('operator') === 'on',
    });
    if (!answer.ok) {
      replace(flash, problem(answer));
      flash.scrollIntoView();
      return;
    }
    location.assign(`/incidents/${encodeURIComponent(answer.data.id)}?reported=1`);
  });
  return form;
}

/** A labelled multi-line text field. */
export function textArea(name, label, value = '', rows = 3) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: `f-${name}` }, label),
    h('textarea', { id: `f-${name}`, name, rows, value }),
  );
}

/** The server's refusal, with its field-named issues. */
export function problem(answer) {
  return h(
    'div',
    null,
    notice('error', t('common.error', { error: answer.error })),
    answer.issues.length > 0
      ? h(
          'ul',
          { class: 'error' },
          answer.issues.map((i) => h('li', null, i)),
        )
      : null,
  );
}
