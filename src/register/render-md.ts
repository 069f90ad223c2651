import { type Block, type Cell, isGap, type RegisterDocument } from './document.js';

/** Markdown for people: readable as plain text, and fine in any Markdown viewer. */
export function renderMarkdown(docs: readonly RegisterDocument[]): string {
  return `${docs.map(documentMarkdown).join('\n\n---\n\n')}\n`;
}

function documentMarkdown(doc: RegisterDocument): string {
  const out = [`# ${doc.title}`, '', ...doc.intro.flatMap((p) => [inline(p), ''])];
  for (const section of doc.sections) {
    out.push(`${section.level === 3 ? '###' : '##'} ${inline(section.heading)}`, '');
    for (const block of section.blocks) out.push(...blockMarkdown(block), '');
  }
  out.push(`_${inline(doc.footer)}_`);
  return out.join('\n');
}

function blockMarkdown(block: Block): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [cell(block.text)];
    case 'list':
      return block.items.map((item) => `- ${cell(item)}`);
    case 'fields':
      return block.rows.map(([label, value]) => `- **${inline(label)}:** ${cell(value)}`);
    case 'table':
      return [
        `| ${block.headers.map(tableCell).join(' | ')} |`,
        `| ${block.headers.map(() => '---').join(' | ')} |`,
        ...block.rows.map((row) => `| ${row.map(tableCell).join(' | ')} |`),
      ];
  }
}

/** A gap is marked in bold with a warning sign, so it stands out in the plain text as well. */
function cell(value: Cell): string {
  return isGap(value) ? `**⚠ ${inline(value.gap)}**` : inline(value);
}

function tableCell(value: Cell): string {
  return cell(value).replaceAll('|', '\\|');
}

/** Names come from the configuration: keep them from turning into markup or breaking a line. */
function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, ', ').replace(/([\\`*_[\]<>])/g, '\\$1');
}
