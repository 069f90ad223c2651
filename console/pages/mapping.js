import { get, post, put } from '../lib/api.js';
import { h, notice, replace, table } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

// The mapping editor: every field of the tenant's sync definition with its direction, owner and
// transform. Checking and saving go through the same validation as `koppel tenant mapping set`
// (the definition's rules, then both systems' metadata); each problem is shown beside the field it
// names. The preview runs the definition on a generated sample contact, never a real one.
export const strings = {
  en: {
    'mapping.title': 'Field mapping of {id}',
    'mapping.intro':
      'Which Dataverse column flows to which Mail+ property, in which direction, who wins a conflict and how the value is converted. Saving checks the definition against both systems first.',
    'mapping.back': 'Back to tenant {id}',
    'mapping.fields': 'Fields',
    'mapping.field': 'Field {n}',
    'mapping.dataverse': 'Dataverse column',
    'mapping.mailplus': 'Mail+ property',
    'mapping.direction': 'Direction',
    'mapping.owner': 'Owner',
    'mapping.transform': 'Transform',
    'mapping.category': 'Data category',
    'mapping.remove': 'Remove',
    'mapping.removeField': 'Remove field {n}',
    'mapping.add': 'Add a field',
    'mapping.inputLabel': '{what} of field {n}',
    'mapping.dir.to-mailplus': 'to Mail+',
    'mapping.dir.to-dataverse': 'to Dataverse',
    'mapping.dir.both': 'both ways',
    'mapping.owner.implied': '(the source side)',
    'mapping.owner.dataverse': 'Dataverse',
    'mapping.owner.mailplus': 'Mail+',
    'mapping.transformHint':
      'A name (text, email, phone, date…) or a JSON object, e.g. {"name":"set-boolean","bit":4}',
    'mapping.rest': 'Scope, permissions and lifecycle',
    'mapping.scope': 'Scope',
    'mapping.permissions': 'Permissions',
    'mapping.permission.bit': 'Mail+ bit',
    'mapping.permission.column': 'Dataverse column',
    'mapping.permission.meaning': 'Meaning',
    'mapping.lifecycle': 'On delete / deactivate / do-not-bulk-e-mail',
    'mapping.check': 'Check against both systems',
    'mapping.preview': 'Preview on a sample contact',
    'mapping.save': 'Save mapping',
    'mapping.checked':
      'The definition is valid and matches both systems: {fields} fields, {permissions} permissions.',
    'mapping.saved': 'Saved: {fields} fields, {permissions} permissions. The next sync round uses it.',
    'mapping.invalid': 'The definition was not saved: {count} problem(s), shown beside the fields they name.',
    'mapping.otherIssues': 'Problems outside the fields',
    'mapping.badTransform': 'The transform is not valid JSON',
    'mapping.previewTitle': 'Preview',
    'mapping.previewIntro':
      'A generated sample person (not a real contact) as a Dataverse row and as a Mail+ contact, and what this mapping makes of each.',
    'mapping.previewToMailplus': 'Dataverse → Mail+',
    'mapping.previewToDataverse': 'Mail+ → Dataverse',
    'mapping.sample': 'Sample value',
    'mapping.result': 'Becomes',
    'mapping.mapError': 'refused: {message}',
  },
  nl: {
    'mapping.title': 'Veldkoppeling van {id}',
    'mapping.intro':
      'Welke Dataverse-kolom naar welke Mail+-eigenschap gaat, in welke richting, wie wint bij een conflict en hoe de waarde wordt omgezet. Opslaan controleert de definitie eerst tegen beide systemen.',
    'mapping.back': 'Terug naar klant {id}',
    'mapping.fields': 'Velden',
    'mapping.field': 'Veld {n}',
    'mapping.dataverse': 'Dataverse-kolom',
    'mapping.mailplus': 'Mail+-eigenschap',
    'mapping.direction': 'Richting',
    'mapping.owner': 'Eigenaar',
    'mapping.transform': 'Omzetting',
    'mapping.category': 'Gegevenscategorie',
    'mapping.remove': 'Verwijderen',
    'mapping.removeField': 'Veld {n} verwijderen',
    'mapping.add': 'Een veld toevoegen',
    'mapping.inputLabel': '{what} van veld {n}',
    'mapping.dir.to-mailplus': 'naar Mail+',
    'mapping.dir.to-dataverse': 'naar Dataverse',
    'mapping.dir.both': 'beide kanten op',
    'mapping.owner.implied': '(de bronkant)',
    'mapping.owner.dataverse': 'Dataverse',
    'mapping.owner.mailplus': 'Mail+',
    'mapping.transformHint':
      'Een naam (text, email, phone, date…) of een JSON-object, bijv. {"name":"set-boolean","bit":4}',
    'mapping.rest': 'Bereik, toestemmingen en levenscyclus',
    'mapping.scope': 'Bereik',
    'mapping.permissions': 'Toestemmingen',
    'mapping.permission.bit': 'Mail+-bit',
    'mapping.permission.column': 'Dataverse-kolom',
    'mapping.permission.meaning': 'Betekenis',
    'mapping.lifecycle': 'Bij verwijderen / deactiveren / geen bulkmail',
    'mapping.check': 'Controleren tegen beide systemen',
    'mapping.preview': 'Voorbeeld met een proefcontact',
    'mapping.save': 'Koppeling opslaan',
    'mapping.checked':
      'De definitie is geldig en past bij beide systemen: {fields} velden, {permissions} toestemmingen.',
    'mapping.saved':
      'Opgeslagen: {fields} velden, {permissions} toestemmingen. De volgende ronde gebruikt deze.',
    'mapping.invalid':
      'De definitie is niet opgeslagen: {count} probleem/problemen, getoond bij de velden die ze noemen.',
    'mapping.otherIssues': 'Problemen buiten de velden',
    'mapping.badTransform': 'De omzetting is geen geldige JSON',
    'mapping.previewTitle': 'Voorbeeld',
    'mapping.previewIntro':
      'Een gegenereerde proefpersoon (geen echt contact) als Dataverse-rij en als Mail+-contact, en wat deze koppeling van elk maakt.',
    'mapping.previewToMailplus': 'Dataverse → Mail+',
    'mapping.previewToDataverse': 'Mail+ → Dataverse',
    'mapping.sample': 'Proefwaarde',
    'mapping.result': 'Wordt',
    'mapping.mapError': 'geweigerd: {message}',
  },
};

const DIRECTIONS = ['to-mailplus', 'to-dataverse', 'both'];
const OWNERS = ['', 'dataverse', 'mailplus'];
/** src/sync/mapping/data-categories.ts */
const CATEGORIES = [
  'email',
  'name',
  'address',
  'company',
  'phone',
  'gender',
  'birthdate',
  'jobtitle',
  'reference',
  'type',
  'background',
  'transactions',
  'permissions',
  'interests',
  'interactions',
];
const COLUMNS = ['dataverse', 'mailplus', 'direction', 'owner', 'transform', 'category'];

export async function render({ main, id }) {
  const path = `/api/tenants/${encodeURIComponent(id)}/mapping`;
  const answer = await get(path);
  const back = h(
    'p',
    null,
    h('a', { href: `/tenants/${encodeURIComponent(id)}` }, t('mapping.back', { id })),
  );
  if (!answer.ok)
    return replace(
      main,
      h('h1', null, t('mapping.title', { id })),
      back,
      notice('error', t('common.error', { error: answer.error })),
    );
  const definition = answer.data.definition;
  /** The rows being edited; everything else in the definition is kept as it was. */
  const rows = definition.fields.map(toRow);
  const tableSlot = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const previewSlot = h('div');
  let issues = /** @type {string[]} */ ([]);

  const drawTable = () => replace(tableSlot, fieldsTable(rows, issues, drawTable));
  const current = () => {
    const fields = rows.map(fromRow);
    const broken = fields.indexOf(null);
    if (broken >= 0) return { error: `fields[${broken}].transform: ${t('mapping.badTransform')}` };
    return { definition: { ...definition, fields } };
  };
  const send = async (kind) => {
    const built = current();
    if (built.error) {
      issues = [built.error];
      drawTable();
      return replace(status, notice('error', t('mapping.invalid', { count: 1 })));
    }
    const answer =
      kind === 'save'
        ? await put(path, { definition: built.definition, check: true })
        : kind === 'check'
          ? await post(`${path}/validate`, { definition: built.definition, check: true })
          : await post(`${path}/preview`, { definition: built.definition });
    issues = answer.ok ? [] : answer.issues;
    drawTable();
    if (!answer.ok) {
      replace(previewSlot);
      const other = issues.filter((i) => issueRow(i) === null);
      return replace(
        status,
        notice(
          'error',
          issues.length
            ? t('mapping.invalid', { count: issues.length })
            : t('common.error', { error: answer.error }),
        ),
        other.length
          ? h(
              'div',
              null,
              h('h3', null, t('mapping.otherIssues')),
              h(
                'ul',
                { class: 'error' },
                other.map((i) => h('li', null, i)),
              ),
            )
          : null,
      );
    }
    if (kind === 'preview') {
      replace(status);
      return replace(previewSlot, preview(answer.data));
    }
    replace(status, notice('ok', t(kind === 'save' ? 'mapping.saved' : 'mapping.checked', answer.data)));
  };

  drawTable();
  replace(
    main,
    h('h1', null, t('mapping.title', { id })),
    back,
    h('p', null, t('mapping.intro')),
    h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          void send('save');
        },
      },
      tableSlot,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              rows.push({
                dataverse: '',
                mailplus: '',
                direction: 'to-mailplus',
                owner: '',
                transform: 'text',
                category: 'name',
                extra: {},
              });
              drawTable();
            },
          },
          t('mapping.add'),
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => void send('check') },
          t('mapping.check'),
        ),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => void send('preview') },
          t('mapping.preview'),
        ),
        h('button', { type: 'submit' }, t('mapping.save')),
      ),
    ),
    status,
    previewSlot,
    rest(definition),
  );
}

/** A field as the form edits it: the transform as its name, or as JSON when it has parameters. */
function toRow(field) {
  const { dataverse, mailplus, direction, owner, transform, category, ...extra } = field;
  const simple = transform && Object.keys(transform).length === 1 ? transform.name : null;
  return {
    dataverse,
    mailplus,
    direction,
    owner: owner ?? '',
    transform: typeof transform === 'string' ? transform : (simple ?? JSON.stringify(transform ?? 'text')),
    category,
    extra,
  };
}

/** Back to a definition field; null when the transform is neither a name nor valid JSON. */
function fromRow(row) {
  let transform = row.transform.trim();
  if (transform.startsWith('{')) {
    try {
      transform = JSON.parse(transform);
    } catch {
      return null;
    }
  }
  return {
    ...row.extra,
    dataverse: row.dataverse.trim(),
    mailplus: row.mailplus.trim(),
    direction: row.direction,
    ...(row.owner ? { owner: row.owner } : {}),
    transform,
    category: row.category,
  };
}

/** `fields[3].mailplus: ...` -> [3, 'mailplus']; a path the form has no input for goes to the row's first. */
function issueRow(issue) {
  const match = /^fields\[(\d+)\](?:\.(\w+))?/.exec(issue);
  if (!match) return null;
  const key = COLUMNS.includes(match[2] ?? '') ? match[2] : 'dataverse';
  return { row: Number(match[1]), key };
}

function fieldsTable(rows, issues, redraw) {
  const located = issues.map((issue) => ({ issue, at: issueRow(issue) }));
  const label = (what, n) => t('mapping.inputLabel', { what: t(`mapping.${what}`), n });
  const cell = (row, i, key) => {
    const errors = located.filter((l) => l.at?.row === i && l.at.key === key).map((l) => l.issue);
    const errorId = errors.length ? `e-${key}-${i}` : undefined;
    const common = {
      name: `${key}-${i}`,
      'aria-label': label(key, i + 1),
      'aria-invalid': errors.length ? 'true' : undefined,
      'aria-describedby': errorId,
      onchange: (event) => {
        row[key] = event.target.value;
      },
    };
    const control =
      key === 'direction'
        ? h(
            'select',
            common,
            DIRECTIONS.map((d) =>
              h('option', { value: d, selected: row.direction === d }, t(`mapping.dir.${d}`)),
            ),
          )
        : key === 'owner'
          ? h(
              'select',
              common,
              OWNERS.map((o) =>
                h('option', { value: o, selected: row.owner === o }, t(`mapping.owner.${o || 'implied'}`)),
              ),
            )
          : key === 'category'
            ? h(
                'select',
                common,
                CATEGORIES.map((c) => h('option', { value: c, selected: row.category === c }, c)),
              )
            : h('input', {
                ...common,
                type: 'text',
                value: row[key],
                spellcheck: 'false',
                autocomplete: 'off',
              });
    return h(
      'div',
      { class: errors.length ? 'field has-error' : 'field' },
      control,
      errors.length ? h('p', { class: 'error', id: errorId }, errors.join(' · ')) : null,
    );
  };
  return h(
    'div',
    { class: 'table-wrap mapping-fields' },
    h(
      'table',
      null,
      h('caption', null, t('mapping.fields')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, '#'),
          COLUMNS.map((c) => h('th', { scope: 'col' }, t(`mapping.${c}`))),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('mapping.remove'))),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((row, i) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, String(i + 1)),
            COLUMNS.map((key) => h('td', null, cell(row, i, key))),
            h(
              'td',
              null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': t('mapping.removeField', { n: i + 1 }),
                  onclick: () => {
                    rows.splice(i, 1);
                    redraw();
                  },
                },
                t('mapping.remove'),
              ),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'hint' }, t('mapping.transformHint')),
  );
}

const shown = (value) =>
  value === undefined || value === null ? '–' : typeof value === 'string' ? value : JSON.stringify(value);

/** A direction's result: the value made, or why the field refused the sample. */
const outcome = (step) => (step.error ? t('mapping.mapError', { message: step.error }) : shown(step.result));

function preview(data) {
  const toMailplus = data.fields
    .filter((f) => f.toMailplus)
    .map((f) => [f.dataverse, shown(f.toMailplus.sample), f.mailplus, outcome(f.toMailplus)]);
  const toDataverse = data.fields
    .filter((f) => f.toDataverse)
    .map((f) => [f.mailplus, shown(f.toDataverse.sample), f.dataverse, outcome(f.toDataverse)]);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'preview-h' },
    h('h2', { id: 'preview-h' }, t('mapping.previewTitle')),
    h('p', null, t('mapping.previewIntro')),
    table({
      caption: t('mapping.previewToMailplus'),
      columns: [t('mapping.dataverse'), t('mapping.sample'), t('mapping.mailplus'), t('mapping.result')],
      rows: toMailplus,
      empty: t('common.none'),
    }),
    table({
      caption: t('mapping.previewToDataverse'),
      columns: [t('mapping.mailplus'), t('mapping.sample'), t('mapping.dataverse'), t('mapping.result')],
      rows: toDataverse,
      empty: t('common.none'),
    }),
  );
}

function rest(definition) {
  const scope = definition.scope;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'rest-h' },
    h('h2', { id: 'rest-h' }, t('mapping.rest')),
    h(
      'dl',
      { class: 'figures' },
      h('dt', null, t('mapping.scope')),
      h('dd', null, [scope.kind, scope.listId, scope.column].filter(Boolean).join(' ')),
      h('dt', null, t('mapping.lifecycle')),
      h(
        'dd',
        null,
        [definition.onDataverseDelete, definition.onDataverseDeactivate, definition.onDoNotBulkEmail]
          .map((v) => v ?? 'anonymize')
          .join(' / '),
      ),
    ),
    table({
      caption: t('mapping.permissions'),
      columns: [
        t('mapping.permission.bit'),
        t('mapping.permission.column'),
        t('mapping.permission.meaning'),
        t('mapping.direction'),
        t('mapping.owner'),
      ],
      rows: (definition.permissions ?? []).map((p) => [
        String(p.bit),
        p.dataverse.column,
        p.dataverse.meaning,
        t(`mapping.dir.${p.direction}`),
        p.owner ? t(`mapping.owner.${p.owner}`) : t('mapping.owner.implied'),
      ]),
      empty: t('common.none'),
    }),
  );
}
