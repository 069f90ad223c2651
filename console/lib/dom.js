// Every element of the console is built here, from text nodes and attributes: nothing is ever parsed
// as HTML, so a name holding `<script>` or `"><img onerror=…>` is shown as the text it is.
const SVG = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'g', 'rect', 'line', 'polyline', 'path', 'text', 'title', 'desc']);

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [props] attributes; `on<event>` adds a listener; `value`/`checked` set the property
 * @param {...any} children strings, numbers, nodes, arrays of them; null and false are skipped
 * @returns {any}
 */
export function h(tag, props, ...children) {
  const svg = SVG_TAGS.has(tag);
  const el = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' || key === 'checked') /** @type {any} */ (el)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Node} parent @param {any[]} children */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `el` with `children`. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * A table with a caption and column headers; rows are arrays of cells (text or nodes).
 * @param {{caption: string, columns: string[], rows: any[][], empty?: string, className?: string}} spec
 */
export function table({ caption, columns, rows, empty, className }) {
  if (rows.length === 0 && empty) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell) => h('td', null, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A labelled input: the label's `for` names the input, so screen readers and tests find it by label. */
export function field({ label, name, type = 'text', value = '', hint = '', error = '', ...rest }) {
  const id = `f-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return h(
    'div',
    { class: error ? 'field has-error' : 'field' },
    h('label', { for: id }, label),
    h('input', {
      id,
      name,
      type,
      value,
      'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
      'aria-invalid': error ? 'true' : undefined,
      ...rest,
    }),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    error ? h('p', { class: 'error', id: errorId }, error) : null,
  );
}

/** A status line for a region; `role=status` makes screen readers announce what changed. */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
