import { type Block, type Cell, isGap, type RegisterDocument } from './document.js';

/**
 * One standalone HTML page: no scripts, no external styles, fonts or images, so it can be archived,
 * mailed and printed as it is. Every text from the configuration is escaped.
 */
const STYLE = `
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .3rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; }
  h3 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
  th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f0f0f0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  .gap { color: #8a1f11; font-weight: 600; }
  .gap::before { content: "\\26A0  "; }
  footer { margin-top: 2rem; font-size: .85rem; color: #555; }
  article + article { margin-top: 3rem; }
  @media print {
    body { margin: 0; max-width: none; font-size: 11pt; }
    article + article { break-before: page; }
    h2, h3 { break-after: avoid; }
    table, dl { break-inside: avoid; }
    .gap { color: #000; text-decoration: underline; }
  }
`;

export function renderHtml(docs: readonly RegisterDocument[]): string {
  const lang = docs[0]?.lang ?? 'en';
  const title = docs.map((d) => d.title).join(' · ');
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...docs.map(documentHtml),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function documentHtml(doc: RegisterDocument): string {
  const out = [
    '<article>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...doc.intro.map((p) => `<p>${escapeHtml(p)}</p>`),
  ];
  for (const section of doc.sections) {
    const h = section.level === 3 ? 'h3' : 'h2';
    out.push('<section>', `<${h}>${escapeHtml(section.heading)}</${h}>`);
    for (const block of section.blocks) out.push(blockHtml(block));
    out.push('</section>');
  }
  out.push(`<footer>${escapeHtml(doc.footer)}</footer>`, '</article>');
  return out.join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${cell(block.text)}</p>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${cell(item)}</li>`).join('')}</ul>`;
    case 'fields':
      return `<dl>${block.rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${cell(value)}</dd>`).join('')}</dl>`;
    case 'table': {
      const head = block.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
      const rows = block.rows.map((row) => `<tr>${row.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`);
      return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    }
  }
}

function cell(value: Cell): string {
  return isGap(value) ? `<span class="gap">${escapeHtml(value.gap)}</span>` : escapeHtml(value);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
