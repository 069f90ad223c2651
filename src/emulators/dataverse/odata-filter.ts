import { CONTACT_COLUMNS, type Column, type ContactColumns, edmTypeOf } from './contact-schema.js';
import { faults } from './dataverse-errors.js';
import type { Row } from './store.js';

/**
 * A parser and evaluator for the $filter subset koppel and its users need: eq ne gt ge lt le, and, or,
 * not, parentheses, contains/startswith/endswith, and literals for strings, numbers, booleans, null,
 * GUIDs, dates and date-times. String comparison is case-insensitive, as with Dataverse's default
 * SQL collation.
 */
export type Literal = string | number | boolean | null;
export type Operand =
  | { kind: 'column'; name: string; column: Column }
  | { kind: 'literal'; value: Literal; edm: string };
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: string; left: Operand; right: Operand }
  | { kind: 'function'; name: string; column: string; value: string };

const COMPARISON = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);
const OPERATOR_KIND: Record<string, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};
const TOKEN =
  /\s*(?:(?<str>'(?:[^']|'')*')|(?<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![\w-])|(?<dt>\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))|(?<date>\d{4}-\d{2}-\d{2})(?![\w-])|(?<num>-?\d+(?:\.\d+)?)(?![\w.])|(?<word>[A-Za-z_][\w]*)|(?<punct>[(),]))/y;

interface Token {
  type: 'str' | 'guid' | 'dt' | 'date' | 'num' | 'word' | 'punct';
  text: string;
  at: number;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < filter.length) {
    if (/^\s*$/.test(filter.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(filter);
    if (!match?.groups) throw faults.filterSyntax(at, filter);
    const [type, text] = Object.entries(match.groups).find(([, v]) => v !== undefined)!;
    tokens.push({
      type: type as Token['type'],
      text: text!,
      at: match.index + match[0].length - text!.length,
    });
  }
  return tokens;
}

export function parseFilter(filter: string, columns: ContactColumns = CONTACT_COLUMNS): FilterNode {
  const tokens = tokenize(filter);
  let i = 0;
  const fail = (): never => {
    throw faults.filterSyntax(tokens[i]?.at ?? filter.length, filter);
  };
  const peekWord = (word: string) => tokens[i]?.type === 'word' && tokens[i]!.text === word;
  const expect = (text: string) => (tokens[i]?.text === text ? i++ : fail());

  const column = (name: string): Operand => {
    const col = columns[name];
    if (!col) throw faults.unknownProperty(name);
    return { kind: 'column', name, column: col };
  };
  const operand = (): Operand => {
    const t = tokens[i++] ?? fail();
    switch (t.type) {
      case 'str':
        return { kind: 'literal', value: t.text.slice(1, -1).replaceAll("''", "'"), edm: 'Edm.String' };
      case 'num':
        return {
          kind: 'literal',
          value: Number(t.text),
          edm: t.text.includes('.') ? 'Edm.Decimal' : 'Edm.Int32',
        };
      case 'guid':
        return { kind: 'literal', value: t.text.toLowerCase(), edm: 'Edm.Guid' };
      case 'dt':
        return { kind: 'literal', value: new Date(t.text).toISOString(), edm: 'Edm.DateTimeOffset' };
      case 'date':
        return { kind: 'literal', value: t.text, edm: 'Edm.Date' };
      case 'word':
        if (t.text === 'true' || t.text === 'false')
          return { kind: 'literal', value: t.text === 'true', edm: 'Edm.Boolean' };
        if (t.text === 'null') return { kind: 'literal', value: null, edm: 'null' };
        return column(t.text);
      default:
        return fail();
    }
  };
  const primary = (): FilterNode => {
    if (tokens[i]?.text === '(') {
      i++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (tokens[i]?.type === 'word' && FUNCTIONS.has(tokens[i]!.text) && tokens[i + 1]?.text === '(') {
      const name = tokens[i]!.text;
      i += 2;
      const target = operand();
      expect(',');
      const value = operand();
      expect(')');
      if (target.kind !== 'column' || value.kind !== 'literal' || typeof value.value !== 'string')
        return fail();
      return { kind: 'function', name, column: target.name, value: value.value };
    }
    const left = operand();
    const op = tokens[i]?.text ?? '';
    if (!COMPARISON.has(op)) return fail();
    i++;
    const right = operand();
    checkTypes(left, right, op);
    return { kind: 'compare', op, left, right };
  };
  const not = (): FilterNode => {
    if (peekWord('not')) {
      i++;
      return { kind: 'not', operand: not() };
    }
    return primary();
  };
  const and = (): FilterNode => {
    let node = not();
    while (peekWord('and')) {
      i++;
      node = { kind: 'and', left: node, right: not() };
    }
    return node;
  };
  function or(): FilterNode {
    let node = and();
    while (peekWord('or')) {
      i++;
      node = { kind: 'or', left: node, right: and() };
    }
    return node;
  }
  const tree = or();
  if (i < tokens.length) fail();
  return tree;
}

const COMPATIBLE: Record<string, readonly string[]> = {
  'Edm.String': ['Edm.String'],
  'Edm.Guid': ['Edm.Guid'],
  'Edm.Boolean': ['Edm.Boolean'],
  'Edm.Date': ['Edm.Date', 'Edm.DateTimeOffset'],
  'Edm.DateTimeOffset': ['Edm.DateTimeOffset', 'Edm.Date'],
  'Edm.Int32': ['Edm.Int32', 'Edm.Int64', 'Edm.Decimal'],
  'Edm.Int64': ['Edm.Int32', 'Edm.Int64', 'Edm.Decimal'],
};

function checkTypes(left: Operand, right: Operand, op: string): void {
  const types = [left, right].map((o) => (o.kind === 'column' ? edmTypeOf(o.column) : o.edm));
  const [a, b] = types as [string, string];
  if (a === 'null' || b === 'null') return;
  if (!COMPATIBLE[a]?.includes(b)) throw faults.incompatibleTypes(a, b, OPERATOR_KIND[op]!);
}

export function evaluate(node: FilterNode, row: Row): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, row) && evaluate(node.right, row);
    case 'or':
      return evaluate(node.left, row) || evaluate(node.right, row);
    case 'not':
      return !evaluate(node.operand, row);
    case 'function': {
      const value = row[node.column];
      if (typeof value !== 'string') return false;
      const [haystack, needle] = [value.toLowerCase(), node.value.toLowerCase()];
      if (node.name === 'contains') return haystack.includes(needle);
      return node.name === 'startswith' ? haystack.startsWith(needle) : haystack.endsWith(needle);
    }
    case 'compare':
      return compareValues(node.op, operandValue(node.left, row), operandValue(node.right, row));
  }
}

function operandValue(operand: Operand, row: Row): Literal {
  if (operand.kind === 'literal') return operand.value;
  const value = row[operand.name];
  return value === undefined ? null : (value as Literal);
}

function compareValues(op: string, a: Literal, b: Literal): boolean {
  if (a === null || b === null) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    return false;
  }
  const order = compareNonNull(a, b);
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    default:
      return order <= 0;
  }
}

/** Orders two values of one column; strings case-insensitively, dates as instants. */
export function compareNonNull(a: Exclude<Literal, null>, b: Exclude<Literal, null>): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const [x, y] =
      isDateLike(a) && isDateLike(b) ? [Date.parse(a), Date.parse(b)] : [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const [x, y] = [Number(a), Number(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function isDateLike(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(T|$)/.test(value);
}
