import PDFDocument from 'pdfkit';
import { type Block, type Cell, cellText, isGap, type RegisterDocument } from './document.js';

/**
 * The same block model as PDF (A4), drawn with pdfkit: no browser needed on the server. The built-in
 * Helvetica is used, so nothing is fetched or installed; it covers Dutch and the other West European
 * letters (WinAnsi). A character outside that set is written as its closest ASCII form.
 */
export interface PdfOptions {
  /** Stored as the PDF's creation date (ms since the epoch), so the same input gives the same file. */
  createdAt?: number;
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const TEXT = '#1a1a1a';
const GAP = '#8a1f11';
const MUTED = '#555555';
const BODY = 10;

export function renderPdf(docs: readonly RegisterDocument[], options: PdfOptions = {}): Promise<Buffer> {
  const first = docs[0];
  const created = options.createdAt === undefined ? undefined : new Date(options.createdAt);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: first?.lang,
    displayTitle: true,
    info: {
      Title: winAnsi(docs.map((d) => d.title).join(' · ')),
      Creator: 'koppel',
      Producer: 'koppel',
      ...(created ? { CreationDate: created, ModDate: created } : {}),
    },
    autoFirstPage: false,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  for (const doc of docs) drawDocument(pdf, doc);
  if (docs.length === 0) pdf.addPage();
  pdf.end();
  return done;
}

function drawDocument(pdf: PDFKit.PDFDocument, doc: RegisterDocument): void {
  pdf.addPage();
  heading(pdf, doc.title, 17);
  for (const p of doc.intro) paragraph(pdf, p);
  for (const section of doc.sections) {
    pdf.moveDown(0.6);
    heading(pdf, section.heading, section.level === 3 ? 11.5 : 13);
    for (const block of section.blocks) drawBlock(pdf, block);
  }
  pdf.moveDown(1);
  pdf.font(ITALIC).fontSize(8.5).fillColor(MUTED).text(winAnsi(doc.footer), left(pdf));
}

function heading(pdf: PDFKit.PDFDocument, text: string, size: number): void {
  // Keep a heading with what follows it: start a new page when fewer than a few lines are left.
  if (pdf.y > pdf.page.height - pdf.page.margins.bottom - size * 5) pdf.addPage();
  pdf.font(BOLD).fontSize(size).fillColor(TEXT).text(winAnsi(text), left(pdf));
  pdf.moveDown(0.3);
}

function paragraph(pdf: PDFKit.PDFDocument, text: string): void {
  pdf.font(FONT).fontSize(BODY).fillColor(TEXT).text(winAnsi(text), left(pdf));
  pdf.moveDown(0.4);
}

function drawBlock(pdf: PDFKit.PDFDocument, block: Block): void {
  switch (block.kind) {
    case 'paragraph':
      drawCell(pdf, block.text, left(pdf));
      pdf.moveDown(0.4);
      return;
    case 'list':
      for (const item of block.items) {
        pdf.font(FONT).fontSize(BODY).fillColor(TEXT).text('•', left(pdf), pdf.y, { continued: false });
        pdf.moveUp();
        drawCell(pdf, item, left(pdf) + 12);
      }
      pdf.moveDown(0.4);
      return;
    case 'fields':
      for (const [label, value] of block.rows) {
        pdf
          .font(BOLD)
          .fontSize(BODY)
          .fillColor(TEXT)
          .text(`${winAnsi(label)}: `, left(pdf), pdf.y, { continued: true });
        drawCell(pdf, value);
      }
      pdf.moveDown(0.4);
      return;
    case 'table':
      drawTable(pdf, block.headers, block.rows);
      pdf.moveDown(0.6);
      return;
  }
}

/** A gap is drawn bold in dark red behind "[!]", so it cannot be missed on paper either. */
function drawCell(pdf: PDFKit.PDFDocument, value: Cell, x?: number): void {
  const options = { width: pdf.page.width - pdf.page.margins.right - (x ?? pdf.x) };
  if (isGap(value)) {
    pdf.font(BOLD).fontSize(BODY).fillColor(GAP);
    if (x === undefined) pdf.text(`[!] ${winAnsi(value.gap)}`);
    else pdf.text(`[!] ${winAnsi(value.gap)}`, x, pdf.y, options);
  } else {
    pdf.font(FONT).fontSize(BODY).fillColor(TEXT);
    if (x === undefined) pdf.text(winAnsi(value));
    else pdf.text(winAnsi(value), x, pdf.y, options);
  }
  pdf.fillColor(TEXT);
}

function drawTable(pdf: PDFKit.PDFDocument, headers: string[], rows: Cell[][]): void {
  pdf.x = left(pdf);
  const header = headers.map((h) => ({
    text: winAnsi(h),
    font: { src: BOLD },
    backgroundColor: '#eeeeee',
    type: 'TH' as const,
  }));
  const body = rows.map((row) =>
    row.map((c) =>
      isGap(c)
        ? { text: `[!] ${winAnsi(c.gap)}`, font: { src: BOLD }, textColor: GAP }
        : { text: winAnsi(c) },
    ),
  );
  pdf
    .font(FONT)
    .fontSize(BODY - 1)
    .fillColor(TEXT);
  pdf.table({
    data: [header, ...body],
    columnStyles: columnWidths(pdf, headers, rows),
    defaultStyle: { border: 0.5, borderColor: '#bbbbbb', padding: 4 },
  });
  pdf.fontSize(BODY);
}

const left = (pdf: PDFKit.PDFDocument): number => pdf.page.margins.left;

/**
 * Widths by how much each column holds (an id or a status narrow, a question or answer wide), each at
 * least as wide as its longest word, so no word is broken inside.
 */
function columnWidths(pdf: PDFKit.PDFDocument, headers: string[], rows: Cell[][]): number[] {
  const width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
  const columns = headers.map((h, i) => [h, ...rows.map((row) => winAnsi(cellText(row[i] ?? '')))]);
  const weights = columns.map((texts) => Math.min(Math.max(...texts.map((t) => t.length), 8), 60));
  pdf.font(BOLD).fontSize(BODY - 1);
  const minimum = columns.map(
    (texts) => Math.max(...texts.flatMap((t) => t.split(/\s+/)).map((w) => pdf.widthOfString(w))) + 12,
  );
  pdf.font(FONT);
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w, i) => Math.max((w / total) * width, minimum[i] ?? 0));
  // Take what the narrow columns gained from the others, in proportion to what they have to spare.
  const over = widths.reduce((a, b) => a + b, 0) - width;
  const spare = widths.map((w, i) => Math.max(0, w - (minimum[i] ?? 0)));
  const spareTotal = spare.reduce((a, b) => a + b, 0);
  return widths.map((w, i) =>
    Math.floor(over > 0 && spareTotal > 0 ? w - (over * (spare[i] ?? 0)) / spareTotal : w),
  );
}

/** The characters Windows-1252 adds in 0x80-0x9F; with Latin-1 they are what Helvetica can show. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Record<string, string> = {
  '⚠': '[!]',
  '→': '->',
  '←': '<-',
  '≥': '>=',
  '≤': '<=',
  '✓': 'v',
  ĳ: 'ij',
  Ĳ: 'IJ',
};

/** Text as the standard PDF fonts can draw it; letters they lack lose their accent, others become "?". */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || ch === '\t') out += ch;
    else if ((code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch))
      out += ch;
    else if (REPLACEMENTS[ch]) out += REPLACEMENTS[ch];
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += /^[\x20-\x7e]+$/.test(base) ? base : code < 0x20 || (code >= 0x7f && code < 0xa0) ? '' : '?';
    }
  }
  return out;
}
