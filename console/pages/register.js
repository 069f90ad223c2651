import { get } from '../lib/api.js';
import { h, notice, replace } from '../lib/dom.js';
import { lang, t } from '../lib/i18n.js';

export const strings = {
  en: {
    'register.title': 'Register and Data Pro Statement',
    'register.intro':
      'The Art. 30(2) register of processing and the Data Pro Statement, generated from the live configuration. A gap (⚠) is something still to be recorded.',
    'register.options': 'Which document',
    'register.document': 'Document',
    'register.doc.all': 'Both',
    'register.doc.register': 'Register of processing (Art. 30(2))',
    'register.doc.statement': 'Data Pro Statement',
    'register.lang': 'Language of the document',
    'register.lang.nl': 'Dutch',
    'register.lang.en': 'English',
    'register.show': 'Show',
    'register.downloads': 'Download',
    'register.md': 'Markdown',
    'register.html': 'HTML',
    'register.pdf': 'PDF',
    'register.downloadAs': 'Download as {format}',
    'register.rendered': 'The document',
    'register.cli':
      'The same from the shell: koppel register export --format md|html|pdf --lang nl|en --out <file>',
  },
  nl: {
    'register.title': 'Register en Data Pro Statement',
    'register.intro':
      'Het register van verwerkingen (art. 30 lid 2 AVG) en het Data Pro Statement, gemaakt uit de actuele configuratie. Een leemte (⚠) moet nog worden vastgelegd.',
    'register.options': 'Welk document',
    'register.document': 'Document',
    'register.doc.all': 'Beide',
    'register.doc.register': 'Register van verwerkingen (art. 30 lid 2)',
    'register.doc.statement': 'Data Pro Statement',
    'register.lang': 'Taal van het document',
    'register.lang.nl': 'Nederlands',
    'register.lang.en': 'Engels',
    'register.show': 'Tonen',
    'register.downloads': 'Downloaden',
    'register.md': 'Markdown',
    'register.html': 'HTML',
    'register.pdf': 'PDF',
    'register.downloadAs': 'Downloaden als {format}',
    'register.rendered': 'Het document',
    'register.cli':
      'Hetzelfde vanaf de shell: koppel register export --format md|html|pdf --lang nl|en --out <bestand>',
  },
};

const DOCUMENTS = ['all', 'register', 'statement'];

export async function render({ main, params }) {
  const document = DOCUMENTS.includes(params.get('document') ?? '') ? params.get('document') : 'all';
  const docLang = ['nl', 'en'].includes(params.get('lang') ?? '') ? params.get('lang') : lang();
  const query = `lang=${docLang}&document=${document}`;
  const body = h('div', { class: 'doc-view', 'aria-live': 'polite' }, t('app.loading'));
  replace(
    main,
    h('h1', null, t('register.title')),
    h('p', null, t('register.intro')),
    chooser(document, docLang),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'register-downloads' },
      h('h2', { id: 'register-downloads' }, t('register.downloads')),
      h(
        'ul',
        { class: 'downloads' },
        [
          ['md', `/api/register?format=md&${query}`, `koppel-register-${docLang}.md`],
          ['html', `/api/register?format=html&${query}`, `koppel-register-${docLang}.html`],
          ['pdf', `/api/register/pdf?${query}`, `koppel-register-${docLang}.pdf`],
        ].map(([format, href, name]) =>
          h(
            'li',
            null,
            h(
              'a',
              { href, download: name, 'data-format': format },
              t('register.downloadAs', { format: t(`register.${format}`) }),
            ),
          ),
        ),
      ),
      h('p', { class: 'hint' }, t('register.cli')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'register-doc' },
      h('h2', { id: 'register-doc' }, t('register.rendered')),
      body,
    ),
  );
  const answer = await get(`/api/register?format=md&${query}`);
  if (!answer.ok) return replace(body, notice('error', t('common.error', { error: answer.error })));
  replace(body, h('div', { lang: docLang }, markdownToNodes(String(answer.data))));
}

/** A GET form: the choice lands in the address bar, so it survives a reload and can be shared. */
function chooser(document, docLang) {
  const select = (name, label, value, options) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `f-${name}` }, label),
      h(
        'select',
        { id: `f-${name}`, name },
        options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
      ),
    );
  return h(
    'form',
    { class: 'card actions', method: 'get', action: '/register', 'aria-label': t('register.options') },
    select(
      'document',
      t('register.document'),
      document,
      DOCUMENTS.map((d) => [d, t(`register.doc.${d}`)]),
    ),
    select('lang', t('register.lang'), docLang, [
      ['nl', t('register.lang.nl')],
      ['en', t('register.lang.en')],
    ]),
    h('button', { type: 'submit' }, t('register.show')),
  );
}

/**
 * The register's Markdown (register/render-md.ts: headings, paragraphs, lists, tables, a rule between
 * documents) as elements, built from text nodes: nothing in it is ever parsed as HTML. Headings move
 * one level down, under the page's own <h1>.
 */
export function markdownToNodes(markdown) {
  const nodes = [];
  const lines = markdown.split('\n');
  let list = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('- ')) list = null;
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1] ?? '#').length + 1);
      nodes.push(h(`h${level}`, null, inline(heading[2] ?? '')));
    } else if (line === '---') {
      nodes.push(h('hr'));
    } else if (line.startsWith('- ')) {
      if (!list) {
        list = h('ul');
        nodes.push(list);
      }
      list.appendChild(h('li', null, inline(line.slice(2))));
    } else if (line.startsWith('| ')) {
      const rows = [];
      while ((lines[i] ?? '').startsWith('| ')) rows.push(cells(lines[i++] ?? ''));
      i--;
      const [head = [], , ...rest] = rows;
      nodes.push(
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            null,
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                head.map((c) => h('th', { scope: 'col' }, inline(c))),
              ),
            ),
            h(
              'tbody',
              null,
              rest.map((r) =>
                h(
                  'tr',
                  null,
                  r.map((c) => h('td', null, inline(c))),
                ),
              ),
            ),
          ),
        ),
      );
    } else if (/^_.*_$/.test(line)) {
      nodes.push(h('p', { class: 'hint' }, h('em', null, inline(line.slice(1, -1)))));
    } else if (line.trim() !== '') {
      nodes.push(h('p', null, inline(line)));
    }
  }
  return nodes;
}

/** A table row's cells; `\|` is a bar inside a cell. */
function cells(row) {
  const parts = [];
  let current = '';
  const inner = row.slice(2, row.endsWith(' |') ? -2 : undefined);
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && inner[i + 1] === '|') {
      current += '\\|';
      i++;
    } else if (c === '|' && inner[i - 1] === ' ' && inner[i + 1] === ' ') {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts;
}

/** **bold** (a gap is bold with ⚠) and the renderer's backslash escapes, as text and <strong>. */
function inline(text) {
  const out = [];
  const pieces = text.split(/(?<!\\)\*\*/);
  pieces.forEach((piece, index) => {
    const plain = piece.replace(/\\([\\`*_[\]<>|])/g, '$1');
    if (plain === '') return;
    out.push(index % 2 === 1 ? h('strong', { class: plain.startsWith('⚠') ? 'gap' : null }, plain) : plain);
  });
  return out;
}
