/**
 * A rendered-to-be document in one language: headings, paragraphs, lists and tables of text. The
 * register and the Data Pro Statement are built as this, then written as Markdown or HTML.
 */
export type Cell = string | Gap;

/** A value the configuration does not give; renderers mark it so a reader cannot miss it. */
export interface Gap {
  gap: string;
}

export type Block =
  | { kind: 'paragraph'; text: Cell }
  | { kind: 'list'; items: Cell[] }
  | { kind: 'fields'; rows: Array<[label: string, value: Cell]> }
  | { kind: 'table'; headers: string[]; rows: Cell[][] };

export interface Section {
  heading: string;
  /** A sub-section, e.g. one controller, is rendered one level deeper. */
  level?: 2 | 3;
  blocks: Block[];
}

export interface RegisterDocument {
  lang: string;
  title: string;
  intro: string[];
  sections: Section[];
  footer: string;
}

export const isGap = (cell: Cell): cell is Gap => typeof cell !== 'string';
export const cellText = (cell: Cell): string => (isGap(cell) ? cell.gap : cell);
