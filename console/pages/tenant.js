import { call, get, post, put } from '../lib/api.js';
import { field, h, notice, replace, table } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { t } from '../lib/i18n.js';

// One tenant: its connection (secrets write-only), the connection test, pausing the sync, the
// customer's breach-notice contacts, and ending the contract. The DPO sees the contacts' names and
// roles only; the API refuses everything else to that role, and the page says so.
export const strings = {
  en: {
    'tenant.title': 'Tenant {name}',
    'tenant.status': 'Status',
    'tenant.created': 'Added',
    'tenant.terminatedAt': 'Terminated',
    'tenant.deletionDue': 'Data deleted by',
    'tenant.notAdmin':
      'Your role may not do this: connection settings, the sync and termination are for administrators. You see the controller and the contact persons’ names and roles.',
    'tenant.settings': 'Connection settings',
    'tenant.settingsIntro':
      'Secrets are write-only: koppel shows whether one is set, never its value. Replace a value below.',
    'tenant.setting': 'Setting',
    'tenant.value': 'Value',
    'tenant.secretSet': 'set',
    'tenant.secretNotSet': 'not set',
    'tenant.notSet': 'not set',
    'tenant.change': 'Replace a value',
    'tenant.changeField': 'Setting to replace',
    'tenant.changeValue': 'New value',
    'tenant.changeHint': 'Leave empty to clear the setting. A secret is never shown again after saving.',
    'tenant.changed': 'Saved: {fields}.',
    'tenant.test': 'Test the connection',
    'tenant.testIntro': 'Signs in to both systems and does one harmless read on each.',
    'tenant.testButton': 'Test connection',
    'tenant.testing': 'Testing…',
    'tenant.side.dataverse': 'Dynamics 365 (Dataverse)',
    'tenant.side.mailplus': 'Spotler Mail+',
    'tenant.testOk': '{side}: works. {summary}',
    'tenant.testFailed': '{side}: does not work. {summary}',
    'tenant.advice': 'What to do: {advice}',
    'tenant.sync': 'Sync',
    'tenant.syncRunning': 'The sync runs.',
    'tenant.syncPaused':
      'The sync is paused: nothing is read or written for this tenant until it is resumed.',
    'tenant.pause': 'Pause the sync',
    'tenant.resume': 'Resume the sync',
    'tenant.paused': 'Paused.',
    'tenant.state.active': 'active',
    'tenant.state.paused': 'paused',
    'tenant.state.terminated': 'terminated',
    'tenant.resumed': 'Resumed.',
    'tenant.mapping': 'Field mapping',
    'tenant.mappingLink': 'Open the mapping editor',
    'tenant.contacts': 'Controller and contact persons',
    'tenant.contactsIntro':
      'Who koppel informs about a personal-data breach, in this order, and the controller named in the notice.',
    'tenant.noContacts': 'No controller details or contact persons recorded yet.',
    'tenant.legalName': 'Legal name',
    'tenant.address': 'Address',
    'tenant.kvk': 'KvK number',
    'tenant.privacyContact': 'Privacy contact',
    'tenant.hours': 'Hours to notify',
    'tenant.order': 'Order',
    'tenant.name': 'Name',
    'tenant.role': 'Role',
    'tenant.language': 'Language',
    'tenant.email': 'E-mail',
    'tenant.phone': 'Phone',
    'tenant.contactList': 'Contact persons, called in this order',
    'tenant.editContacts': 'Edit the contacts (JSON, as in docs/examples/tenant-contacts.json)',
    'tenant.contactsJson': 'Contacts document',
    'tenant.saveContacts': 'Save contacts',
    'tenant.contactsSaved': 'Saved: {count} contact persons.',
    'tenant.contactsRefused': 'The contacts were not saved. Each problem names the field:',
    'tenant.badJson': 'This is not valid JSON: {error}',
    'tenant.terminate': 'End the contract',
    'tenant.terminateIntro':
      'Terminating stops the sync and destroys this tenant’s encryption keys at once, so its data can never be read again; its rows are deleted and a deletion certificate is issued. This cannot be undone.',
    'tenant.confirmLabel': 'Type the tenant id ({id}) to confirm',
    'tenant.confirmWrong': 'Type exactly {id} to confirm.',
    'tenant.terminateButton': 'Terminate tenant {id}',
    'tenant.deleteAfter': 'Delete the rows after (days)',
    'tenant.deleteAfterHint':
      '0 deletes them now and issues the certificate at once; at most 30 (the agreement promises deletion within a month). The keys are destroyed now either way.',
    'tenant.terminated':
      'Tenant {id} is terminated and its keys are destroyed. Certificate SHA-256: {sha256}',
    'tenant.terminatedLater': 'Tenant {id} is terminated; its rows are deleted by {date}.',
    'tenant.certificate': 'Deletion certificate',
    'tenant.certificateJson': 'Download the certificate (JSON)',
    'tenant.certificateMd': 'Download the certificate (Markdown)',
  },
  nl: {
    'tenant.title': 'Klant {name}',
    'tenant.status': 'Status',
    'tenant.created': 'Toegevoegd',
    'tenant.terminatedAt': 'Beëindigd',
    'tenant.deletionDue': 'Gegevens verwijderd uiterlijk',
    'tenant.notAdmin':
      'Uw rol mag dit niet: verbindingsinstellingen, de synchronisatie en beëindigen zijn voor beheerders. U ziet de verwerkingsverantwoordelijke en de namen en rollen van de contactpersonen.',
    'tenant.settings': 'Verbindingsinstellingen',
    'tenant.settingsIntro':
      'Geheimen zijn alleen schrijfbaar: koppel toont of er een is ingesteld, nooit de waarde. Vervang hieronder een waarde.',
    'tenant.setting': 'Instelling',
    'tenant.value': 'Waarde',
    'tenant.secretSet': 'ingesteld',
    'tenant.secretNotSet': 'niet ingesteld',
    'tenant.notSet': 'niet ingesteld',
    'tenant.change': 'Een waarde vervangen',
    'tenant.changeField': 'Te vervangen instelling',
    'tenant.changeValue': 'Nieuwe waarde',
    'tenant.changeHint':
      'Laat leeg om de instelling te wissen. Een geheim wordt na opslaan nooit meer getoond.',
    'tenant.changed': 'Opgeslagen: {fields}.',
    'tenant.test': 'De verbinding testen',
    'tenant.testIntro': 'Logt in bij beide systemen en leest bij elk één onschuldig gegeven.',
    'tenant.testButton': 'Verbinding testen',
    'tenant.testing': 'Bezig met testen…',
    'tenant.side.dataverse': 'Dynamics 365 (Dataverse)',
    'tenant.side.mailplus': 'Spotler Mail+',
    'tenant.testOk': '{side}: werkt. {summary}',
    'tenant.testFailed': '{side}: werkt niet. {summary}',
    'tenant.advice': 'Wat te doen: {advice}',
    'tenant.sync': 'Synchronisatie',
    'tenant.syncRunning': 'De synchronisatie loopt.',
    'tenant.syncPaused':
      'De synchronisatie is gepauzeerd: er wordt niets gelezen of geschreven voor deze klant tot ze wordt hervat.',
    'tenant.pause': 'Synchronisatie pauzeren',
    'tenant.resume': 'Synchronisatie hervatten',
    'tenant.paused': 'Gepauzeerd.',
    'tenant.state.active': 'actief',
    'tenant.state.paused': 'gepauzeerd',
    'tenant.state.terminated': 'beëindigd',
    'tenant.resumed': 'Hervat.',
    'tenant.mapping': 'Veldkoppeling',
    'tenant.mappingLink': 'De koppeling bewerken',
    'tenant.contacts': 'Verwerkingsverantwoordelijke en contactpersonen',
    'tenant.contactsIntro':
      'Wie koppel informeert over een datalek, in deze volgorde, en de verwerkingsverantwoordelijke in de melding.',
    'tenant.noContacts':
      'Nog geen gegevens van de verwerkingsverantwoordelijke of contactpersonen vastgelegd.',
    'tenant.legalName': 'Statutaire naam',
    'tenant.address': 'Adres',
    'tenant.kvk': 'KvK-nummer',
    'tenant.privacyContact': 'Privacycontact',
    'tenant.hours': 'Uren tot melding',
    'tenant.order': 'Volgorde',
    'tenant.name': 'Naam',
    'tenant.role': 'Rol',
    'tenant.language': 'Taal',
    'tenant.email': 'E-mail',
    'tenant.phone': 'Telefoon',
    'tenant.contactList': 'Contactpersonen, in deze volgorde gebeld',
    'tenant.editContacts': 'De contacten bewerken (JSON, zoals docs/examples/tenant-contacts.json)',
    'tenant.contactsJson': 'Contactendocument',
    'tenant.saveContacts': 'Contacten opslaan',
    'tenant.contactsSaved': 'Opgeslagen: {count} contactpersonen.',
    'tenant.contactsRefused': 'De contacten zijn niet opgeslagen. Elk probleem noemt het veld:',
    'tenant.badJson': 'Dit is geen geldige JSON: {error}',
    'tenant.terminate': 'Het contract beëindigen',
    'tenant.terminateIntro':
      'Beëindigen stopt de synchronisatie en vernietigt direct de sleutels van deze klant, zodat de gegevens nooit meer te lezen zijn; de rijen worden verwijderd en er komt een verwijderingscertificaat. Dit is niet terug te draaien.',
    'tenant.confirmLabel': 'Typ het klant-id ({id}) om te bevestigen',
    'tenant.confirmWrong': 'Typ precies {id} om te bevestigen.',
    'tenant.terminateButton': 'Klant {id} beëindigen',
    'tenant.deleteAfter': 'De rijen verwijderen na (dagen)',
    'tenant.deleteAfterHint':
      '0 verwijdert ze nu en geeft direct het certificaat; hoogstens 30 (de overeenkomst belooft verwijdering binnen een maand). De sleutels worden hoe dan ook nu vernietigd.',
    'tenant.terminated':
      'Klant {id} is beëindigd en de sleutels zijn vernietigd. SHA-256 van het certificaat: {sha256}',
    'tenant.terminatedLater': 'Klant {id} is beëindigd; de rijen worden uiterlijk {date} verwijderd.',
    'tenant.certificate': 'Verwijderingscertificaat',
    'tenant.certificateJson': 'Certificaat downloaden (JSON)',
    'tenant.certificateMd': 'Certificaat downloaden (Markdown)',
  },
};

/** Every setting `koppel tenant set` knows (src/tenants/tenant-settings.ts), in that order. */
const SETTINGS = {
  dataverse: [
    'baseUrl',
    'authority',
    'clientId',
    'clientSecret',
    'caFile',
    'allowInsecureLoopback',
    'maxConcurrency',
    'requestTimeoutSeconds',
  ],
  mailplus: [
    'baseUrl',
    'consumerKey',
    'consumerSecret',
    'caFile',
    'allowInsecureLoopback',
    'requestTimeoutSeconds',
  ],
};
const SECRETS = new Set(['dataverse.clientSecret', 'mailplus.consumerSecret']);

export async function render({ main, session, id }) {
  const admin = session.role === 'admin';
  const path = `/api/tenants/${encodeURIComponent(id)}`;
  const [tenantAnswer, contactsAnswer] = await Promise.all([
    admin ? get(path) : Promise.resolve(null),
    get(`${path}/contacts`),
  ]);
  const tenant = tenantAnswer?.ok ? tenantAnswer.data : null;
  replace(
    main,
    h('h1', null, t('tenant.title', { name: tenant ? `${tenant.name} (${id})` : id })),
    admin ? null : notice('warn', t('tenant.notAdmin')),
    tenantAnswer && !tenantAnswer.ok
      ? notice('error', t('common.error', { error: tenantAnswer.error }))
      : null,
    tenant ? overview(tenant) : null,
    tenant?.settings ? settingsCard(path, tenant.settings, () => render({ main, session, id })) : null,
    tenant && tenant.status !== 'terminated' ? testCard(path) : null,
    tenant && tenant.status !== 'terminated' ? syncCard(path, tenant) : null,
    tenant && tenant.status !== 'terminated'
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'mapping-h' },
          h('h2', { id: 'mapping-h' }, t('tenant.mapping')),
          h(
            'p',
            null,
            h('a', { href: `/tenants/${encodeURIComponent(id)}/mapping` }, t('tenant.mappingLink')),
          ),
        )
      : null,
    contactsCard(path, contactsAnswer, admin),
    tenant ? terminateCard(path, tenant) : null,
  );
}

function overview(tenant) {
  const state = { terminated: 'grey', paused: 'paused', active: 'green' }[tenant.status] ?? 'grey';
  return h(
    'dl',
    { class: 'figures' },
    h('dt', null, t('tenant.status')),
    h(
      'dd',
      null,
      h('span', { id: 'tenant-state', class: `badge ${state}` }, t(`tenant.state.${tenant.status}`)),
    ),
    h('dt', null, t('tenant.created')),
    h('dd', null, dateTime(tenant.createdAt)),
    tenant.terminatedAt
      ? [h('dt', null, t('tenant.terminatedAt')), h('dd', null, dateTime(tenant.terminatedAt))]
      : null,
    tenant.deletionDueAt
      ? [h('dt', null, t('tenant.deletionDue')), h('dd', null, dateTime(tenant.deletionDueAt))]
      : null,
  );
}

function shownValue(side, name, value) {
  if (SECRETS.has(`${side}.${name}`))
    return h(
      'span',
      { class: value?.set ? 'badge green' : 'badge grey' },
      value?.set ? t('tenant.secretSet') : t('tenant.secretNotSet'),
    );
  return value === undefined || value === null
    ? h('span', { class: 'empty' }, t('tenant.notSet'))
    : String(value);
}

function settingsCard(path, settings, redraw) {
  const status = h('div', { 'aria-live': 'polite' });
  const rows = Object.entries(SETTINGS).flatMap(([side, names]) =>
    names.map((name) => [`${side}.${name}`, shownValue(side, name, settings[side]?.[name])]),
  );
  const select = h(
    'select',
    { id: 'f-setting', name: 'setting' },
    rows.map(([name]) => h('option', { value: name }, name)),
  );
  const value = field({
    label: t('tenant.changeValue'),
    name: 'value',
    hint: t('tenant.changeHint'),
    autocomplete: 'off',
  });
  const input = /** @type {HTMLInputElement} */ (value.querySelector('input'));
  // A secret is typed into a password input, so it is not shown on screen while typed.
  const syncType = () => {
    input.type = SECRETS.has(select.value) ? 'password' : 'text';
  };
  select.addEventListener('change', syncType);
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const answer = await call('PATCH', `${path}/settings`, {
          [select.value]: input.value === '' ? null : input.value,
        });
        if (!answer.ok) return replace(status, notice('error', t('common.error', { error: answer.error })));
        input.value = '';
        await redraw();
        const again = document.querySelector('#settings-status');
        if (again)
          replace(again, notice('ok', t('tenant.changed', { fields: answer.data.updated.join(', ') })));
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'f-setting' }, t('tenant.changeField')), select),
    value,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('common.save'))),
  );
  status.id = 'settings-status';
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'settings-h' },
    h('h2', { id: 'settings-h' }, t('tenant.settings')),
    h('p', null, t('tenant.settingsIntro')),
    table({ caption: t('tenant.settings'), columns: [t('tenant.setting'), t('tenant.value')], rows }),
    h('h3', null, t('tenant.change')),
    form,
    status,
  );
}

function testCard(path) {
  const result = h('div', { 'aria-live': 'polite' });
  const button = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        button.disabled = true;
        replace(result, h('p', null, t('tenant.testing')));
        const answer = await post(`${path}/test-connection`, {});
        button.disabled = false;
        if (!answer.ok) return replace(result, notice('error', t('common.error', { error: answer.error })));
        replace(
          result,
          answer.data.map((check) => {
            const side = t(`tenant.side.${check.side}`);
            return h(
              'div',
              { class: 'test-result' },
              notice(
                check.ok ? 'ok' : 'error',
                t(check.ok ? 'tenant.testOk' : 'tenant.testFailed', { side, summary: check.summary }),
              ),
              check.advice ? h('p', { class: 'hint' }, t('tenant.advice', { advice: check.advice })) : null,
            );
          }),
        );
      },
    },
    t('tenant.testButton'),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'test-h' },
    h('h2', { id: 'test-h' }, t('tenant.test')),
    h('p', null, t('tenant.testIntro')),
    h('div', { class: 'actions' }, button),
    result,
  );
}

function syncCard(path, tenant) {
  let paused = tenant.status === 'paused';
  const state = h('p');
  const status = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary' });
  const draw = () => {
    replace(state, paused ? t('tenant.syncPaused') : t('tenant.syncRunning'));
    replace(button, paused ? t('tenant.resume') : t('tenant.pause'));
  };
  button.addEventListener('click', async () => {
    const answer = await post(`${path}/${paused ? 'resume' : 'pause'}`, {});
    if (!answer.ok) return replace(status, notice('error', t('common.error', { error: answer.error })));
    // The route answers the status it left the tenant in ({id, status, changed}).
    paused = answer.data.status === 'paused';
    draw();
    const badge = document.getElementById('tenant-state');
    if (badge) {
      badge.className = `badge ${paused ? 'paused' : 'green'}`;
      replace(badge, t(`tenant.state.${answer.data.status}`));
    }
    replace(status, notice('ok', paused ? t('tenant.paused') : t('tenant.resumed')));
  });
  draw();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'sync-h' },
    h('h2', { id: 'sync-h' }, t('tenant.sync')),
    state,
    h('div', { class: 'actions' }, button),
    status,
  );
}

function contactsCard(path, answer, admin) {
  const body = [];
  if (!answer.ok) body.push(notice('error', t('common.error', { error: answer.error })));
  const contacts = answer.ok ? answer.data.contacts : null;
  if (answer.ok && !contacts) body.push(h('p', { class: 'empty' }, t('tenant.noContacts')));
  if (contacts) {
    const c = contacts.controller;
    const privacy = [c.privacyContact.name, c.privacyContact.email, c.privacyContact.phone]
      .filter(Boolean)
      .join(', ');
    body.push(
      h(
        'dl',
        { class: 'figures' },
        h('dt', null, t('tenant.legalName')),
        h('dd', null, c.legalName),
        h('dt', null, t('tenant.address')),
        h('dd', null, c.address),
        h('dt', null, t('tenant.kvk')),
        h('dd', null, c.kvk),
        h('dt', null, t('tenant.privacyContact')),
        h('dd', null, privacy),
        contacts.notificationHours
          ? [h('dt', null, t('tenant.hours')), h('dd', null, String(contacts.notificationHours))]
          : null,
      ),
      table({
        caption: t('tenant.contactList'),
        columns: [
          t('tenant.order'),
          t('tenant.name'),
          t('tenant.role'),
          t('tenant.language'),
          ...(admin ? [t('tenant.email'), t('tenant.phone')] : []),
        ],
        rows: contacts.contacts.map((p) => [
          String(p.order),
          p.name,
          p.role,
          p.language,
          ...(admin ? [p.email ?? '', p.phone ?? ''] : []),
        ]),
      }),
    );
  }
  if (admin && answer.ok) body.push(contactsEditor(path, contacts));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'contacts-h' },
    h('h2', { id: 'contacts-h' }, t('tenant.contacts')),
    h('p', null, t('tenant.contactsIntro')),
    body,
  );
}

function contactsEditor(path, contacts) {
  const status = h('div', { 'aria-live': 'polite' });
  const area = h('textarea', {
    id: 'f-contacts',
    name: 'contacts',
    rows: 14,
    spellcheck: 'false',
    value: contacts ? JSON.stringify(contacts, null, 2) : '',
  });
  return h(
    'details',
    null,
    h('summary', null, t('tenant.editContacts')),
    h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          let document;
          try {
            document = JSON.parse(area.value);
          } catch (error) {
            return replace(status, notice('error', t('tenant.badJson', { error: String(error) })));
          }
          const answer = await put(`${path}/contacts`, document);
          if (!answer.ok)
            return replace(
              status,
              notice('error', t('tenant.contactsRefused')),
              h(
                'ul',
                { class: 'error' },
                (answer.issues.length ? answer.issues : [answer.error]).map((issue) => h('li', null, issue)),
              ),
            );
          replace(status, notice('ok', t('tenant.contactsSaved', { count: answer.data.contacts })));
        },
      },
      h('div', { class: 'field' }, h('label', { for: 'f-contacts' }, t('tenant.contactsJson')), area),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('tenant.saveContacts'))),
    ),
    status,
  );
}

function terminateCard(path, tenant) {
  const id = tenant.id;
  const status = h('div', { 'aria-live': 'polite' });
  const confirm = field({ label: t('tenant.confirmLabel', { id }), name: 'confirm', autocomplete: 'off' });
  const input = /** @type {HTMLInputElement} */ (confirm.querySelector('input'));
  const days = field({
    label: t('tenant.deleteAfter'),
    name: 'deleteAfterDays',
    type: 'number',
    value: '0',
    min: 0,
    max: 30,
    hint: t('tenant.deleteAfterHint'),
  });
  const daysInput = /** @type {HTMLInputElement} */ (days.querySelector('input'));
  const certificateLinks = () =>
    h(
      'div',
      { class: 'actions' },
      h(
        'a',
        {
          class: 'button secondary',
          href: `${path}/certificate`,
          download: `deletion-certificate-${id}.json`,
        },
        t('tenant.certificateJson'),
      ),
      h(
        'a',
        {
          class: 'button secondary',
          href: `${path}/certificate?format=md`,
          download: `deletion-certificate-${id}.md`,
        },
        t('tenant.certificateMd'),
      ),
    );
  if (tenant.status === 'terminated')
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'terminate-h' },
      h('h2', { id: 'terminate-h' }, t('tenant.certificate')),
      certificateLinks(),
    );
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        if (input.value.trim() !== id)
          return replace(status, notice('error', t('tenant.confirmWrong', { id })));
        const answer = await post(`${path}/terminate`, {
          confirm: input.value.trim(),
          deleteAfterDays: Number(daysInput.value || 0),
        });
        if (!answer.ok) return replace(status, notice('error', t('common.error', { error: answer.error })));
        const { certificate, deletionDueAt } = answer.data;
        replace(
          form,
          certificate
            ? [notice('ok', t('tenant.terminated', { id, sha256: certificate.sha256 })), certificateLinks()]
            : notice('ok', t('tenant.terminatedLater', { id, date: dateTime(deletionDueAt) })),
        );
        replace(status);
      },
    },
    confirm,
    days,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'danger' }, t('tenant.terminateButton', { id })),
    ),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'terminate-h' },
    h('h2', { id: 'terminate-h' }, t('tenant.terminate')),
    h('p', null, t('tenant.terminateIntro')),
    form,
    status,
  );
}
