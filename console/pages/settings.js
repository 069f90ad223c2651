import { get } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { dateTime, duration, number } from '../lib/format.js';
import { t } from '../lib/i18n.js';

export const strings = {
  en: {
    'settings.title': 'Settings',
    'settings.intro':
      'Read-only: retention periods, key ages and rotation, and the security checks. Each is changed on the machine, with the command shown beside it; the change is audited there.',
    'settings.refused': 'Your role may not do this: {what} are for administrators only.',
    'settings.retention': 'Retention periods',
    'settings.retentionCaption': 'Per class of stored data: what is held, the rule, when the oldest is due',
    'settings.class': 'Class',
    'settings.policy': 'Rule',
    'settings.items': 'Items held',
    'settings.oldest': 'Oldest',
    'settings.dueAt': 'Oldest due for deletion',
    'settings.lastRun': 'Last purge',
    'settings.change': 'Changed with',
    'settings.retentionCli':
      'After changing a period in koppel.yaml, restart koppel; koppel retention run purges at once, koppel retention status shows this table.',
    'settings.keys': 'Keys',
    'settings.keysWhat': 'key ages and rotation',
    'settings.master': 'Master key',
    'settings.masterSource': 'Where it comes from: {source}',
    'settings.masterSince': 'In use since {since} ({age} ago)',
    'settings.rotateMaster': 'Rotate: koppel keys rotate (after setting the new master key)',
    'settings.tenantKeys': 'Data keys per tenant: version and age',
    'settings.keyTenant': 'Tenant or data set',
    'settings.keyVersion': 'Version',
    'settings.keyAge': 'Age',
    'settings.keyCreated': 'Made',
    'settings.keyState': 'State',
    'settings.keyOld': 'older than 90 days: rotate',
    'settings.keyFine': 'current',
    'settings.keyDestroyed': 'destroyed',
    'settings.rotateTenant': 'koppel keys rotate-tenant {tenant}',
    'settings.doctor': 'Security checks (koppel doctor)',
    'settings.doctorWhat': 'the doctor’s results',
    'settings.doctorSummary': '{pass} passed, {warn} warnings, {fail} failed.',
    'settings.doctorCli': 'Run again on the machine: koppel doctor',
    'settings.check': 'Check',
    'settings.status': 'Result',
    'settings.found': 'Found',
    'settings.fix': 'What to do',
    'settings.status.pass': 'pass',
    'settings.status.warn': 'warning',
    'settings.status.fail': 'failed',
    'settings.status.skip': 'skipped',
  },
  nl: {
    'settings.title': 'Instellingen',
    'settings.intro':
      'Alleen lezen: bewaartermijnen, leeftijd en rotatie van sleutels, en de beveiligingscontroles. Elk wordt op de machine gewijzigd, met de opdracht die ernaast staat; daar wordt de wijziging ook geaudit.',
    'settings.refused': 'Uw rol mag dit niet: {what} zijn alleen voor beheerders.',
    'settings.retention': 'Bewaartermijnen',
    'settings.retentionCaption':
      'Per soort opgeslagen gegevens: wat er is, de regel, wanneer het oudste verwijderd moet zijn',
    'settings.class': 'Soort',
    'settings.policy': 'Regel',
    'settings.items': 'Aantal',
    'settings.oldest': 'Oudste',
    'settings.dueAt': 'Oudste te verwijderen op',
    'settings.lastRun': 'Laatst opgeschoond',
    'settings.change': 'Te wijzigen met',
    'settings.retentionCli':
      'Herstart koppel na het wijzigen van een termijn in koppel.yaml; koppel retention run schoont direct op, koppel retention status toont deze tabel.',
    'settings.keys': 'Sleutels',
    'settings.keysWhat': 'leeftijd en rotatie van sleutels',
    'settings.master': 'Hoofdsleutel',
    'settings.masterSource': 'Herkomst: {source}',
    'settings.masterSince': 'In gebruik sinds {since} ({age} geleden)',
    'settings.rotateMaster': 'Roteren: koppel keys rotate (na het instellen van de nieuwe hoofdsleutel)',
    'settings.tenantKeys': 'Gegevenssleutels per klant: versie en leeftijd',
    'settings.keyTenant': 'Klant of gegevensset',
    'settings.keyVersion': 'Versie',
    'settings.keyAge': 'Leeftijd',
    'settings.keyCreated': 'Gemaakt',
    'settings.keyState': 'Toestand',
    'settings.keyOld': 'ouder dan 90 dagen: roteren',
    'settings.keyFine': 'actueel',
    'settings.keyDestroyed': 'vernietigd',
    'settings.rotateTenant': 'koppel keys rotate-tenant {tenant}',
    'settings.doctor': 'Beveiligingscontroles (koppel doctor)',
    'settings.doctorWhat': 'de uitkomsten van de controles',
    'settings.doctorSummary': '{pass} geslaagd, {warn} waarschuwingen, {fail} mislukt.',
    'settings.doctorCli': 'Opnieuw uitvoeren op de machine: koppel doctor',
    'settings.check': 'Controle',
    'settings.status': 'Uitkomst',
    'settings.found': 'Bevinding',
    'settings.fix': 'Wat te doen',
    'settings.status.pass': 'geslaagd',
    'settings.status.warn': 'waarschuwing',
    'settings.status.fail': 'mislukt',
    'settings.status.skip': 'overgeslagen',
  },
};

/** Where each retention period is set (docs/configuration.md); the job applies it on its next round. */
const RETENTION_SETTING = {
  'queue-payloads': 'queue.maxMessageAgeDays',
  'dead-letters': 'queue.deadLetterRetentionDays',
  'duplicate-detection': 'queue.duplicateWindowSeconds',
  'log-files': 'log.retentionDays',
  'security-events': '–',
  'audit-log': 'server.auditRetentionDays',
  'terminated-tenants': 'koppel tenant terminate <tenant>',
  incidents: 'incidents.retentionYears',
};
const DAY_MS = 86_400_000;
const KEY_MAX_AGE_DAYS = 90;

export async function render({ main }) {
  const retention = h('div', null, t('app.loading'));
  const keys = h('div', null, t('app.loading'));
  const doctor = h('div', null, t('app.loading'));
  replace(
    main,
    h('h1', null, t('settings.title')),
    h('p', null, t('settings.intro')),
    section('retention', retention),
    section('keys', keys),
    section('doctor', doctor),
  );
  const [r, k, d] = await Promise.all([get('/api/retention'), get('/api/keys'), get('/api/doctor')]);
  replace(retention, r.ok ? retentionTable(r.data) : failure(r, ''));
  replace(keys, k.ok ? keyTables(k.data) : failure(k, t('settings.keysWhat')));
  replace(doctor, d.ok ? doctorTable(d.data) : failure(d, t('settings.doctorWhat')));
}

function section(key, body) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `settings-${key}` },
    h('h2', { id: `settings-${key}` }, t(`settings.${key}`)),
    body,
  );
}

/** A 403 says plainly that the role may not see this part; anything else is the server's own words. */
function failure(answer, what) {
  if (answer.status === 403) return notice('warn', t('settings.refused', { what }));
  return notice('error', t('common.error', { error: answer.error }));
}

function retentionTable(classes) {
  return [
    table({
      caption: t('settings.retentionCaption'),
      className: 'settings',
      columns: [
        t('settings.class'),
        t('settings.policy'),
        t('settings.items'),
        t('settings.oldest'),
        t('settings.dueAt'),
        t('settings.lastRun'),
        t('settings.change'),
      ],
      rows: classes.map((c) => [
        c.id,
        c.policy ?? '–',
        number(c.items),
        dateTime(c.oldestAt),
        dateTime(c.dueAt),
        dateTime(c.lastRun?.ranAt ?? null),
        h('code', null, RETENTION_SETTING[c.id] ?? 'koppel.yaml'),
      ]),
    }),
    h('p', { class: 'hint' }, t('settings.retentionCli')),
  ];
}

function keyTables(status) {
  const now = status.now;
  const ageOf = (at) => (at ? Math.max(0, now - at) : null);
  const masterAge = ageOf(status.currentMasterKeySince);
  return [
    h('h3', null, t('settings.master')),
    h(
      'ul',
      null,
      h('li', null, `${status.currentMasterKeyId}`),
      h('li', null, t('settings.masterSource', { source: status.source })),
      status.currentMasterKeySince
        ? h(
            'li',
            null,
            t('settings.masterSince', {
              since: dateTime(status.currentMasterKeySince),
              age: duration(masterAge === null ? null : masterAge / 1000),
            }),
          )
        : null,
      h('li', null, h('code', null, t('settings.rotateMaster'))),
    ),
    table({
      caption: t('settings.tenantKeys'),
      className: 'settings',
      columns: [
        t('settings.keyTenant'),
        t('settings.keyVersion'),
        t('settings.keyCreated'),
        t('settings.keyAge'),
        t('settings.keyState'),
        t('settings.change'),
      ],
      empty: t('common.none'),
      rows: status.tenants.map((k) => {
        const age = ageOf(k.createdAt) ?? 0;
        const old = age > KEY_MAX_AGE_DAYS * DAY_MS;
        const state = k.destroyed ? 'keyDestroyed' : old ? 'keyOld' : 'keyFine';
        return [
          k.tenantId,
          String(k.currentVersion),
          dateTime(k.createdAt),
          duration(age / 1000),
          h(
            'span',
            { class: `badge ${k.destroyed ? 'grey' : old ? 'amber' : 'green'}` },
            t(`settings.${state}`),
          ),
          k.destroyed ? '–' : h('code', null, t('settings.rotateTenant', { tenant: k.tenantId })),
        ];
      }),
    }),
  ];
}

function doctorTable(report) {
  const counts = report.counts ?? {};
  return [
    notice(
      report.ok ? 'ok' : 'warn',
      t('settings.doctorSummary', { pass: counts.pass ?? 0, warn: counts.warn ?? 0, fail: counts.fail ?? 0 }),
    ),
    table({
      caption: t('settings.doctor'),
      className: 'settings',
      columns: [t('settings.check'), t('settings.status'), t('settings.found'), t('settings.fix')],
      rows: (report.findings ?? []).map((f) => [
        f.id,
        h(
          'span',
          {
            class: `badge ${f.status === 'pass' ? 'green' : f.status === 'warn' ? 'amber' : f.status === 'fail' ? 'red' : 'grey'}`,
          },
          t(`settings.status.${f.status}`),
        ),
        f.explanation ? [f.summary, h('br'), h('span', { class: 'hint' }, f.explanation)] : f.summary,
        f.fix ? h('code', null, f.fix) : '–',
      ]),
    }),
    h('p', { class: 'hint' }, t('settings.doctorCli')),
  ];
}
