import { get, post } from '../lib/api.js';
import { field, h, notice, replace, table } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { lang, t } from '../lib/i18n.js';
import { deadlineBadge, problem, sharedStrings, stateBadge, textArea } from './incidents.js';

export const strings = {
  en: {
    ...sharedStrings.en,
    'incident.notFound': 'There is no incident {id}.',
    'incident.back': 'All incidents',
    'incident.meta': 'Incident {id}, reported {at} by {by}. Customers: {tenants}.',
    'incident.state': 'State',
    'incident.clocks': 'Clocks',
    'incident.sinceDetection': 'Since detection: {since}',
    'incident.next': 'Next step',
    'incident.nextIntro':
      'The fixed workflow: each step needs a reason; confirming a breach needs the moment of awareness; past a deadline, the reason for the delay.',
    'incident.final': 'A closed incident is final: new facts belong in a new incident.',
    'incident.reason': 'Reason for this step',
    'incident.awareAt': 'Moment of awareness (ISO 8601 with zone), when confirming a breach',
    'incident.awareAtHint': 'Reasonable certainty that personal data were compromised; it starts the clocks.',
    'incident.delayReason': 'Reason for the delay (only when a deadline has passed)',
    'incident.to': 'Move to: {state}',
    'incident.notify': 'Inform the customers (e-mail and phone tasks)',
    'incident.moved': 'Moved to {state}.',
    'incident.assessment': 'Facts and risk assessment',
    'incident.noAssessment': 'No assessment yet: record the facts below.',
    'incident.severity': 'Severity (ENISA)',
    'incident.severityValue': '{score}, {level}',
    'incident.notifyAP': 'Notify the AP (Art. 33)',
    'incident.notifyPeople': 'Notify the people concerned (Art. 34)',
    'incident.reasons': 'Reasons',
    'incident.facts': 'Facts (JSON, as docs/incident-facts.schema.json)',
    'incident.factsHint': 'Categories and counts only, never who the people are.',
    'incident.recordFacts': 'Record the facts and assess',
    'incident.factsBad': 'The facts are not valid JSON: {error}',
    'incident.assessed': 'Facts recorded; the recommendation is below.',
    'incident.decision': 'The DPO’s decision',
    'incident.decisionIntro':
      'Recorded beside the recommendation. A decision that differs from it needs the justification.',
    'incident.decisions': 'Decisions',
    'incident.noDecisions': 'No decision recorded yet.',
    'incident.topic': 'Topic',
    'incident.value': 'Decision',
    'incident.reasoning': 'Reasoning',
    'incident.by': 'By',
    'incident.at': 'When',
    'incident.decisionReason': 'Justification (required when differing from the recommendation)',
    'incident.recordDecision': 'Record the decision',
    'incident.decided': 'Decision recorded ({follows}).',
    'incident.follows': 'as recommended',
    'incident.differs': 'differs from the recommendation',
    'incident.customers': 'Informing the customers',
    'incident.customersCaption': 'Per customer: contacts tried in order, acknowledgement',
    'incident.noCustomers': 'No customer is affected.',
    'incident.status': 'Status',
    'incident.status.not-started': 'not yet informed',
    'incident.status.waiting': 'waiting for acknowledgement',
    'incident.status.acknowledged': 'acknowledged',
    'incident.status.no-contacts': 'no contacts recorded: the DPO was alerted',
    'incident.contactTried': 'Last contact tried',
    'incident.contactN': 'contact {n} (round {round})',
    'incident.acknowledgedBy': 'Acknowledged',
    'incident.ackVia': 'by contact {n}, {via}, {at}',
    'incident.via.code': 'with the e-mail’s code',
    'incident.via.phone': 'by phone',
    'incident.alerts': 'Alerts',
    'incident.followUps': 'Follow-ups',
    'incident.ack': 'Record an acknowledgement code',
    'incident.ackTenant': 'Customer',
    'incident.ackCode': 'Code from the customer’s notice e-mail',
    'incident.ackSubmit': 'Record the acknowledgement',
    'incident.acked': 'Acknowledged for {tenant}.',
    'incident.notified': 'Informing started: {notified} notified, {failed} failed, {none} without contacts.',
    'incident.calls': 'Phone calls',
    'incident.callsCaption': 'Calls to make beside each notice e-mail, and their outcome',
    'incident.noCalls': 'No phone calls to make yet.',
    'incident.contact': 'Contact',
    'incident.who': 'Who',
    'incident.number': 'Number',
    'incident.hidden': 'not shown to your role',
    'incident.script': 'What to say',
    'incident.outcome': 'Outcome',
    'incident.outcome.open': 'open',
    'incident.outcome.reached': 'reached',
    'incident.outcome.not-reached': 'not reached',
    'incident.outcome.voicemail': 'voicemail',
    'incident.outcomeFor': 'Outcome of the call to contact {n} of {tenant}',
    'incident.note': 'Note (optional, no personal data)',
    'incident.recordCall': 'Record the outcome',
    'incident.callRecorded': 'Call outcome recorded.',
    'incident.documents': 'Documents',
    'incident.doc.customer-notice': 'Customer notice',
    'incident.doc.ap-sheet': 'Preparation sheet for the AP form',
    'incident.doc.subject-notice': 'Notice to the people concerned',
    'incident.docFor': '{doc} for {tenant}',
    'incident.docLink': '{doc}: {format} ({lang})',
    'incident.add': 'Add to the register',
    'incident.addKind': 'What',
    'incident.kind.notes': 'Note',
    'incident.kind.measures-taken': 'Measure taken',
    'incident.kind.measures-planned': 'Measure planned',
    'incident.kind.effects': 'Effects as known now',
    'incident.kind.lessons': 'Lessons learned (needed before closing)',
    'incident.addText': 'Text (facts only, no personal data)',
    'incident.addSubmit': 'Add',
    'incident.added': 'Added to the register.',
    'incident.timeline': 'Timeline',
    'incident.timelineCaption': 'Every change, oldest first',
    'incident.what': 'What',
    'incident.reportedNow': 'Incident registered.',
    'incident.followUp': 'Send a follow-up notice',
    'incident.followUpIntro': 'A numbered update to each customer’s contact who acknowledged.',
    'incident.followUpText': 'What is new (facts, no personal data)',
    'incident.followUpSubmit': 'Send the follow-up',
    'incident.followUpSent': 'Follow-up sent to {sent} of {tenants} customer(s).',
    'incident.evidence': 'Evidence',
    'incident.evidenceCaption': 'Evidence files, stored encrypted: name, size and SHA-256',
    'incident.noEvidence': 'No evidence files. Add one with: koppel incidents evidence add <id> <file>',
    'incident.file': 'File',
    'incident.bytes': 'Bytes',
  },
  nl: {
    ...sharedStrings.nl,
    'incident.notFound': 'Er is geen incident {id}.',
    'incident.back': 'Alle incidenten',
    'incident.meta': 'Incident {id}, gemeld {at} door {by}. Klanten: {tenants}.',
    'incident.state': 'Toestand',
    'incident.clocks': 'Klokken',
    'incident.sinceDetection': 'Sinds ontdekking: {since}',
    'incident.next': 'Volgende stap',
    'incident.nextIntro':
      'De vaste procedure: elke stap vraagt een reden; een datalek bevestigen vraagt het moment van bewustwording; na een termijn de reden van de vertraging.',
    'incident.final': 'Een gesloten incident is definitief: nieuwe feiten horen in een nieuw incident.',
    'incident.reason': 'Reden voor deze stap',
    'incident.awareAt': 'Moment van bewustwording (ISO 8601 met zone), bij het bevestigen van een datalek',
    'incident.awareAtHint':
      'Redelijke zekerheid dat persoonsgegevens zijn getroffen; hiermee beginnen de klokken.',
    'incident.delayReason': 'Reden van de vertraging (alleen als een termijn verstreken is)',
    'incident.to': 'Naar: {state}',
    'incident.notify': 'De klanten informeren (e-mail en belopdrachten)',
    'incident.moved': 'Naar {state}.',
    'incident.assessment': 'Feiten en risicobeoordeling',
    'incident.noAssessment': 'Nog geen beoordeling: leg hieronder de feiten vast.',
    'incident.severity': 'Ernst (ENISA)',
    'incident.severityValue': '{score}, {level}',
    'incident.notifyAP': 'Melden bij de AP (art. 33)',
    'incident.notifyPeople': 'De betrokkenen informeren (art. 34)',
    'incident.reasons': 'Redenen',
    'incident.facts': 'Feiten (JSON, volgens docs/incident-facts.schema.json)',
    'incident.factsHint': 'Alleen categorieën en aantallen, nooit wie de betrokkenen zijn.',
    'incident.recordFacts': 'Feiten vastleggen en beoordelen',
    'incident.factsBad': 'De feiten zijn geen geldige JSON: {error}',
    'incident.assessed': 'Feiten vastgelegd; het advies staat hieronder.',
    'incident.decision': 'Het besluit van de FG',
    'incident.decisionIntro':
      'Vastgelegd naast het advies. Een besluit dat ervan afwijkt, vraagt een onderbouwing.',
    'incident.decisions': 'Besluiten',
    'incident.noDecisions': 'Nog geen besluit vastgelegd.',
    'incident.topic': 'Onderwerp',
    'incident.value': 'Besluit',
    'incident.reasoning': 'Onderbouwing',
    'incident.by': 'Door',
    'incident.at': 'Wanneer',
    'incident.decisionReason': 'Onderbouwing (verplicht als het besluit afwijkt van het advies)',
    'incident.recordDecision': 'Besluit vastleggen',
    'incident.decided': 'Besluit vastgelegd ({follows}).',
    'incident.follows': 'volgens het advies',
    'incident.differs': 'wijkt af van het advies',
    'incident.customers': 'De klanten informeren',
    'incident.customersCaption': 'Per klant: contactpersonen op volgorde benaderd, bevestiging',
    'incident.noCustomers': 'Geen klant getroffen.',
    'incident.status': 'Status',
    'incident.status.not-started': 'nog niet geïnformeerd',
    'incident.status.waiting': 'wacht op bevestiging',
    'incident.status.acknowledged': 'bevestigd',
    'incident.status.no-contacts': 'geen contactpersonen vastgelegd: de FG is gewaarschuwd',
    'incident.contactTried': 'Laatst benaderd',
    'incident.contactN': 'contactpersoon {n} (ronde {round})',
    'incident.acknowledgedBy': 'Bevestigd',
    'incident.ackVia': 'door contactpersoon {n}, {via}, {at}',
    'incident.via.code': 'met de code uit de e-mail',
    'incident.via.phone': 'telefonisch',
    'incident.alerts': 'Waarschuwingen',
    'incident.followUps': 'Vervolgberichten',
    'incident.ack': 'Een bevestigingscode vastleggen',
    'incident.ackTenant': 'Klant',
    'incident.ackCode': 'Code uit de meldingsmail aan de klant',
    'incident.ackSubmit': 'Bevestiging vastleggen',
    'incident.acked': 'Bevestigd voor {tenant}.',
    'incident.notified':
      'Informeren gestart: {notified} geïnformeerd, {failed} mislukt, {none} zonder contactpersonen.',
    'incident.calls': 'Telefoongesprekken',
    'incident.callsCaption': 'Te voeren gesprekken naast elke meldingsmail, en de uitkomst',
    'incident.noCalls': 'Nog geen gesprekken te voeren.',
    'incident.contact': 'Contactpersoon',
    'incident.who': 'Wie',
    'incident.number': 'Nummer',
    'incident.hidden': 'niet zichtbaar voor uw rol',
    'incident.script': 'Wat te zeggen',
    'incident.outcome': 'Uitkomst',
    'incident.outcome.open': 'open',
    'incident.outcome.reached': 'bereikt',
    'incident.outcome.not-reached': 'niet bereikt',
    'incident.outcome.voicemail': 'voicemail',
    'incident.outcomeFor': 'Uitkomst van het gesprek met contactpersoon {n} van {tenant}',
    'incident.note': 'Notitie (optioneel, geen persoonsgegevens)',
    'incident.recordCall': 'Uitkomst vastleggen',
    'incident.callRecorded': 'Uitkomst van het gesprek vastgelegd.',
    'incident.documents': 'Documenten',
    'incident.doc.customer-notice': 'Melding aan de klant',
    'incident.doc.ap-sheet': 'Voorbereiding van het AP-formulier',
    'incident.doc.subject-notice': 'Bericht aan de betrokkenen',
    'incident.docFor': '{doc} voor {tenant}',
    'incident.docLink': '{doc}: {format} ({lang})',
    'incident.add': 'Aanvullen in het register',
    'incident.addKind': 'Wat',
    'incident.kind.notes': 'Notitie',
    'incident.kind.measures-taken': 'Genomen maatregel',
    'incident.kind.measures-planned': 'Geplande maatregel',
    'incident.kind.effects': 'Gevolgen zoals nu bekend',
    'incident.kind.lessons': 'Geleerde lessen (nodig voor het sluiten)',
    'incident.addText': 'Tekst (alleen feiten, geen persoonsgegevens)',
    'incident.addSubmit': 'Toevoegen',
    'incident.added': 'Toegevoegd aan het register.',
    'incident.timeline': 'Tijdlijn',
    'incident.timelineCaption': 'Elke wijziging, oudste eerst',
    'incident.what': 'Wat',
    'incident.reportedNow': 'Incident geregistreerd.',
    'incident.followUp': 'Een vervolgbericht sturen',
    'incident.followUpIntro': 'Een genummerde update aan de contactpersoon van elke klant die bevestigde.',
    'incident.followUpText': 'Wat er nieuw is (feiten, geen persoonsgegevens)',
    'incident.followUpSubmit': 'Vervolgbericht sturen',
    'incident.followUpSent': 'Vervolgbericht gestuurd aan {sent} van {tenants} klant(en).',
    'incident.evidence': 'Bewijsstukken',
    'incident.evidenceCaption': 'Bewijsstukken, versleuteld opgeslagen: naam, grootte en SHA-256',
    'incident.noEvidence':
      'Geen bewijsstukken. Voeg er een toe met: koppel incidents evidence add <id> <bestand>',
    'incident.file': 'Bestand',
    'incident.bytes': 'Bytes',
  },
};

/** The workflow's steps (src/incidents/workflow.ts TRANSITIONS); the server checks every one again. */
const NEXT = {
  reported: ['triage'],
  triage: ['not-a-breach', 'breach-confirmed'],
  'not-a-breach': ['closed', 'triage'],
  'breach-confirmed': ['assessment'],
  assessment: ['informing-customers', 'follow-up'],
  'informing-customers': ['customers-informed'],
  'customers-informed': ['follow-up'],
  'follow-up': ['closed'],
  closed: [],
};
const DOCS = ['customer-notice', 'ap-sheet', 'subject-notice'];
const OUTCOMES = ['reached', 'not-reached', 'voicemail'];
const ADDITIONS = {
  notes: { path: 'notes' },
  'measures-taken': { path: 'measures', kind: 'taken' },
  'measures-planned': { path: 'measures', kind: 'planned' },
  effects: { path: 'effects' },
  lessons: { path: 'lessons' },
};
const EXAMPLE_FACTS = {
  confidentiality: 'known-recipients',
  integrity: 'none',
  availability: 'none',
  cause: 'accidental',
  data: ['name', 'contact'],
  people: { count: 1 },
  identifiability: 'maximum',
  protection: { state: 'none' },
  recipient: { kind: 'untrusted' },
  exfiltration: 'not-applicable',
};

/** What the last action said, shown at the top after the page is drawn again. */
let flash = null;

export async function render(ctx) {
  const { main, id, params } = ctx;
  const path = `/api/incidents/${encodeURIComponent(id)}`;
  const [incidentAnswer, clocks, progress, calls] = await Promise.all([
    get(`${path}?lang=${lang()}`),
    get(`${path}/clocks?lang=${lang()}`),
    get(`${path}/progress`),
    get(`${path}/calls`),
  ]);
  if (!incidentAnswer.ok) {
    const text =
      incidentAnswer.status === 404
        ? t('incident.notFound', { id })
        : t('common.error', { error: incidentAnswer.error });
    return replace(
      main,
      h('p', null, h('a', { href: '/incidents' }, t('incident.back'))),
      h('h1', null, t('incident.notFound', { id })),
      notice('error', text),
    );
  }
  const incident = incidentAnswer.data;
  if (params.get('reported') === '1' && flash === null) {
    flash = notice('ok', t('incident.reportedNow'));
    history.replaceState(null, '', location.pathname);
  }
  const redraw = async (message) => {
    flash = message;
    await render({ ...ctx, params: new URLSearchParams() });
    main.querySelector('.messages')?.scrollIntoView();
  };
  const act = { path, incident, redraw };
  const messages = h('div', { class: 'messages' }, flash);
  flash = null;
  replace(
    main,
    h('p', null, h('a', { href: '/incidents' }, t('incident.back'))),
    h('h1', null, incident.title),
    h(
      'p',
      null,
      t('incident.meta', {
        id: incident.id,
        at: dateTime(incident.reportedAt),
        by: incident.reportedBy,
        tenants: incident.tenants.join(', ') || '–',
      }),
      ' ',
      t('incident.state'),
      ': ',
      stateBadge(incident.state),
    ),
    messages,
    clocksCard(incident, clocks),
    nextStepCard(act),
    assessmentCard(act),
    decisionCard(act),
    customersCard(act, progress),
    callsCard(act, calls),
    documentsCard(incident),
    additionCard(act),
    evidenceCard(incident),
    timelineCard(incident),
  );
}

function card(key, ...children) {
  const headingId = `h-${key}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t(`incident.${key}`)),
    ...children,
  );
}

function clocksCard(incident, clocks) {
  if (!clocks.ok) return card('clocks', notice('error', t('common.error', { error: clocks.error })));
  const { deadlines, sinceDetection } = clocks.data;
  return card(
    'clocks',
    h('p', null, t('incident.sinceDetection', { since: sinceDetection })),
    deadlines.length === 0
      ? h('p', { class: 'hint' }, t('inc.noClocks'))
      : h('ul', { class: 'deadlines' }, deadlines.map(deadlineBadge)),
    incident.delayReasons.length > 0
      ? h(
          'ul',
          null,
          incident.delayReasons.map((r) => h('li', null, r)),
        )
      : null,
  );
}

function nextStepCard({ path, incident, redraw }) {
  const next = NEXT[incident.state] ?? [];
  if (next.length === 0) return card('next', h('p', null, t('incident.final')));
  const confirming = next.includes('breach-confirmed');
  const form = h(
    'form',
    { novalidate: true },
    h('p', { class: 'hint' }, t('incident.nextIntro')),
    textArea('reason', t('incident.reason')),
    confirming
      ? field({
          label: t('incident.awareAt'),
          name: 'awareAt',
          value: new Date(incident.clocks.now).toISOString(),
          hint: t('incident.awareAtHint'),
        })
      : null,
    textArea('delayReason', t('incident.delayReason'), '', 2),
    h(
      'div',
      { class: 'actions' },
      next.map((to) =>
        to === 'informing-customers'
          ? h('button', { type: 'submit', value: 'notify', name: 'to' }, t('incident.notify'))
          : h(
              'button',
              { type: 'submit', value: to, name: 'to', class: to === 'closed' ? 'secondary' : null },
              t('incident.to', { state: t(`inc.state.${to}`) }),
            ),
      ),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const to = /** @type {HTMLButtonElement | null} */ (/** @type {SubmitEvent} */ (event).submitter)?.value;
    if (!to) return;
    const data = new FormData(form);
    if (to === 'notify') {
      // The escalation moves the incident to informing-customers itself and sends the notices.
      const answer = await post(`${path}/notify`, {});
      if (!answer.ok) return redraw(problem(answer));
      const count = (s) => answer.data.tenants.filter((r) => r.status === s).length;
      return redraw(
        notice(
          count('failed') > 0 ? 'warn' : 'ok',
          t('incident.notified', {
            notified: count('notified'),
            failed: count('failed'),
            none: count('no-contacts'),
          }),
        ),
      );
    }
    const delayReason = String(data.get('delayReason') ?? '').trim();
    const answer = await post(`${path}/advance`, {
      to,
      reason: String(data.get('reason') ?? ''),
      ...(to === 'breach-confirmed' ? { awareAt: String(data.get('awareAt') ?? '') } : {}),
      ...(delayReason ? { delayReason } : {}),
    });
    if (!answer.ok) return redraw(problem(answer));
    return redraw(notice('ok', t('incident.moved', { state: t(`inc.state.${answer.data.state}`) })));
  });
  return card('next', form);
}

function assessmentCard({ path, incident, redraw }) {
  const a = incident.assessment;
  const yesNo = (b) => (b ? t('common.yes') : t('common.no'));
  const summary = a
    ? [
        h(
          'dl',
          { class: 'figures' },
          h('dt', null, t('incident.severity')),
          h('dd', null, t('incident.severityValue', { score: a.severity.score, level: a.severity.level })),
          h('dt', null, t('incident.notifyAP')),
          h('dd', { 'data-recommend': 'authority' }, yesNo(a.notifyAuthority)),
          h('dt', null, t('incident.notifyPeople')),
          h('dd', { 'data-recommend': 'people' }, yesNo(a.notifyDataSubjects)),
        ),
        h('h3', null, t('incident.reasons')),
        h(
          'ul',
          { class: 'reasons' },
          a.reasons.map((r) => h('li', null, lang() === 'nl' ? r.nl : r.en)),
        ),
      ]
    : h('p', null, t('incident.noAssessment'));
  const form = h(
    'form',
    { novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-facts' }, t('incident.facts')),
      h('textarea', {
        id: 'f-facts',
        name: 'facts',
        rows: 12,
        class: 'code',
        spellcheck: 'false',
        'aria-describedby': 'f-facts-hint',
        value: JSON.stringify(incident.facts ?? EXAMPLE_FACTS, null, 2),
      }),
      h('p', { class: 'hint', id: 'f-facts-hint' }, t('incident.factsHint')),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incident.recordFacts'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let facts;
    try {
      facts = JSON.parse(String(new FormData(form).get('facts') ?? ''));
    } catch (error) {
      return redraw(notice('error', t('incident.factsBad', { error: String(error) })));
    }
    const answer = await post(`${path}/facts`, facts);
    if (!answer.ok) return redraw(problem(answer));
    return redraw(notice('ok', t('incident.assessed')));
  });
  return card('assessment', summary, form);
}

function decisionCard({ path, incident, redraw }) {
  const a = incident.assessment;
  const yesNoSelect = (name, label, value) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, label),
      h(
        'select',
        { id: `f-${name}`, name },
        h('option', { value: 'yes', selected: value }, t('common.yes')),
        h('option', { value: 'no', selected: !value }, t('common.no')),
      ),
    );
  const decisions = table({
    caption: t('incident.decisions'),
    columns: [
      t('incident.topic'),
      t('incident.value'),
      t('incident.reasoning'),
      t('incident.by'),
      t('incident.at'),
    ],
    empty: t('incident.noDecisions'),
    rows: incident.decisions.map((d) => [
      d.topic,
      typeof d.value === 'boolean' ? (d.value ? t('common.yes') : t('common.no')) : d.value,
      d.reasoning,
      d.by,
      dateTime(d.at),
    ]),
  });
  if (!a) return card('decision', h('p', { class: 'hint' }, t('incident.noAssessment')), decisions);
  const form = h(
    'form',
    { novalidate: true },
    h('p', { class: 'hint' }, t('incident.decisionIntro')),
    yesNoSelect('notifyAuthority', t('incident.notifyAP'), a.notifyAuthority),
    yesNoSelect('notifyDataSubjects', t('incident.notifyPeople'), a.notifyDataSubjects),
    textArea('decisionReason', t('incident.decisionReason')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incident.recordDecision'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const reason = String(data.get('decisionReason') ?? '').trim();
    const answer = await post(`${path}/decision`, {
      notifyAuthority: data.get('notifyAuthority') === 'yes',
      notifyDataSubjects: data.get('notifyDataSubjects') === 'yes',
      ...(reason ? { reason } : {}),
    });
    if (!answer.ok) return redraw(problem(answer));
    const follows = answer.data.followsRecommendation ? t('incident.follows') : t('incident.differs');
    return redraw(notice('ok', t('incident.decided', { follows })));
  });
  return card('decision', decisions, form);
}

function customersCard({ path, incident, redraw }, progress) {
  if (incident.tenants.length === 0) return card('customers', h('p', null, t('incident.noCustomers')));
  if (!progress.ok) return card('customers', notice('error', t('common.error', { error: progress.error })));
  const tenants = progress.data.tenants;
  const rows = tenants.map((p) => [
    p.tenantId,
    h(
      'span',
      {
        class: `badge ${p.status === 'acknowledged' ? 'green' : p.status === 'no-contacts' ? 'red' : 'amber'}`,
      },
      t(`incident.status.${p.status}`),
    ),
    p.lastContact === null ? '–' : t('incident.contactN', { n: p.lastContact, round: p.round }),
    p.acknowledged
      ? t('incident.ackVia', {
          n: p.acknowledged.contact,
          via: t(`incident.via.${p.acknowledged.via}`),
          at: dateTime(p.acknowledged.at),
        })
      : '–',
    String(p.alerts),
    String(p.followUps),
  ]);
  const waiting = tenants.filter((p) => p.status === 'waiting');
  let form = null;
  if (waiting.length > 0) {
    form = h(
      'form',
      { novalidate: true, 'aria-labelledby': 'h-ack' },
      h('h3', { id: 'h-ack' }, t('incident.ack')),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'f-ackTenant' }, t('incident.ackTenant')),
        h(
          'select',
          { id: 'f-ackTenant', name: 'tenant' },
          waiting.map((p) => h('option', { value: p.tenantId }, p.tenantId)),
        ),
      ),
      field({ label: t('incident.ackCode'), name: 'code', autocomplete: 'off', required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incident.ackSubmit'))),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const tenant = String(data.get('tenant') ?? '');
      const answer = await post(`${path}/ack`, { tenant, code: String(data.get('code') ?? '').trim() });
      if (!answer.ok) return redraw(problem(answer));
      return redraw(notice('ok', t('incident.acked', { tenant })));
    });
  }
  const acknowledged = tenants.some((p) => p.status === 'acknowledged');
  return card(
    'customers',
    table({
      caption: t('incident.customersCaption'),
      columns: [
        t('common.tenant'),
        t('incident.status'),
        t('incident.contactTried'),
        t('incident.acknowledgedBy'),
        t('incident.alerts'),
        t('incident.followUps'),
      ],
      rows,
    }),
    form,
    acknowledged && incident.state !== 'closed' ? followUpForm(path, redraw) : null,
  );
}

function followUpForm(path, redraw) {
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'h-follow-up' },
    h('h3', { id: 'h-follow-up' }, t('incident.followUp')),
    h('p', { class: 'hint' }, t('incident.followUpIntro')),
    textArea('followUp', t('incident.followUpText')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incident.followUpSubmit'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await post(`${path}/updates`, {
      message: String(new FormData(form).get('followUp') ?? ''),
    });
    if (!answer.ok) return redraw(problem(answer));
    const results = answer.data.tenants;
    const sent = results.filter((r) => r.status === 'sent').length;
    return redraw(
      notice(
        sent === results.length ? 'ok' : 'warn',
        t('incident.followUpSent', { sent, tenants: results.length }),
      ),
    );
  });
  return form;
}

function evidenceCard(incident) {
  return card(
    'evidence',
    table({
      caption: t('incident.evidenceCaption'),
      className: 'evidence',
      columns: [t('incident.file'), t('incident.bytes'), 'SHA-256', t('incident.by'), t('incident.at')],
      empty: t('incident.noEvidence'),
      rows: incident.evidence.map((e) => [
        e.name,
        String(e.bytes),
        h('code', null, e.sha256),
        e.addedBy,
        dateTime(e.addedAt),
      ]),
    }),
  );
}

function callsCard({ path, redraw }, calls) {
  if (!calls.ok) return card('calls', notice('error', t('common.error', { error: calls.error })));
  const tasks = calls.data.tasks;
  const hidden = () => h('span', { class: 'hint' }, t('incident.hidden'));
  const rows = tasks.map((task) => [
    task.tenantId,
    t('incident.contactN', { n: task.contact, round: task.round }),
    task.name === null ? [task.role ?? '–', ' (', hidden(), ')'] : `${task.name} (${task.role ?? '–'})`,
    task.phone === null ? hidden() : h('a', { href: `tel:${task.phone}` }, task.phone),
    task.script
      ? h('details', null, h('summary', null, t('incident.script')), h('p', null, task.script))
      : '–',
    task.outcome === 'open' ? outcomeForm(path, task, redraw) : outcomeText(task),
  ]);
  return card(
    'calls',
    table({
      caption: t('incident.callsCaption'),
      columns: [
        t('common.tenant'),
        t('incident.contact'),
        t('incident.who'),
        t('incident.number'),
        t('incident.script'),
        t('incident.outcome'),
      ],
      empty: t('incident.noCalls'),
      rows,
    }),
  );
}

function outcomeText(task) {
  return [
    h('span', { class: 'badge grey' }, t(`incident.outcome.${task.outcome}`)),
    task.note ? ` ${task.note}` : '',
    task.recordedBy ? ` (${task.recordedBy}, ${dateTime(task.recordedAt)})` : '',
  ];
}

function outcomeForm(path, task, redraw) {
  const key = `${task.tenantId}-${task.contact}-${task.round}`;
  const label = t('incident.outcomeFor', { n: task.contact, tenant: task.tenantId });
  const form = h(
    'form',
    { class: 'call', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-outcome-${key}` }, label),
      h(
        'select',
        { id: `f-outcome-${key}`, name: 'outcome' },
        OUTCOMES.map((o) => h('option', { value: o }, t(`incident.outcome.${o}`))),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-note-${key}` }, t('incident.note')),
      h('input', { id: `f-note-${key}`, name: 'note', maxlength: 500 }),
    ),
    h('button', { type: 'submit' }, t('incident.recordCall')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const note = String(data.get('note') ?? '').trim();
    const answer = await post(`${path}/calls`, {
      tenant: task.tenantId,
      contact: task.contact,
      outcome: String(data.get('outcome')),
      ...(note ? { note } : {}),
    });
    if (!answer.ok) return redraw(problem(answer));
    return redraw(notice('ok', t('incident.callRecorded')));
  });
  return form;
}

function documentsCard(incident) {
  const docLang = lang();
  const links = [];
  for (const doc of DOCS) {
    // The customer notice is per customer; the others cover the incident (the first customer's details).
    const tenants = doc === 'customer-notice' && incident.tenants.length > 1 ? incident.tenants : [null];
    for (const tenant of tenants) {
      const name = tenant
        ? t('incident.docFor', { doc: t(`incident.doc.${doc}`), tenant })
        : t(`incident.doc.${doc}`);
      const formats = ['html', 'md', 'pdf'].map((format) => {
        const query = `format=${format}&lang=${docLang}${tenant ? `&tenant=${encodeURIComponent(tenant)}` : ''}`;
        return h(
          'a',
          {
            href: `/api/incidents/${encodeURIComponent(incident.id)}/documents/${doc}?${query}`,
            download: `${incident.id}-${doc}${tenant ? `-${tenant}` : ''}-${docLang}.${format}`,
            'aria-label': t('incident.docLink', { doc: name, format: format.toUpperCase(), lang: docLang }),
          },
          format.toUpperCase(),
        );
      });
      links.push(
        h(
          'li',
          null,
          name,
          ': ',
          formats.flatMap((a, i) => (i === 0 ? [a] : [' · ', a])),
        ),
      );
    }
  }
  return card('documents', h('ul', { class: 'downloads' }, links));
}

function additionCard({ path, redraw }) {
  const form = h(
    'form',
    { novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'f-addKind' }, t('incident.addKind')),
      h(
        'select',
        { id: 'f-addKind', name: 'kind' },
        Object.keys(ADDITIONS).map((k) => h('option', { value: k }, t(`incident.kind.${k}`))),
      ),
    ),
    textArea('addText', t('incident.addText')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('incident.addSubmit'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const addition = ADDITIONS[String(data.get('kind'))] ?? ADDITIONS.notes;
    const answer = await post(`${path}/${addition.path}`, {
      text: String(data.get('addText') ?? ''),
      ...(addition.kind ? { kind: addition.kind } : {}),
    });
    if (!answer.ok) return redraw(problem(answer));
    return redraw(notice('ok', t('incident.added')));
  });
  return card('add', form);
}

function timelineCard(incident) {
  return card(
    'timeline',
    table({
      caption: t('incident.timelineCaption'),
      columns: [t('incident.at'), t('incident.by'), t('incident.what')],
      rows: incident.timeline.map((e) => [dateTime(e.at), e.by, e.text]),
    }),
  );
}
