import { ConfigError } from '../../errors.js';
import { lookupValueColumn, parseLookupPath } from './dataverse-columns.js';
import { ownBits } from './field-access.js';
import type { FieldMapping, SyncDefinition } from './sync-definition.js';

/**
 * Checks a parsed definition against what the two systems report: the Mail+ account's properties
 * (`/contact/properties/list`) and the Dataverse contact column names (logical names; a lookup may be
 * listed as `parentcustomerid` or `_parentcustomerid_value`). Every problem is listed, with near matches
 * for names that do not exist, because a typo is the usual cause.
 */
/** The part of a Mail+ property (MailplusProperty, from /contact/properties/list) that validation reads. */
export interface ReportedProperty {
  name: string;
  type: string;
  entries?: ReadonlyArray<{ bit: number; description: string }>;
}

export interface SystemsReport {
  mailplusProperties: readonly ReportedProperty[];
  dataverseColumns: readonly string[];
}

/** Mail+ property types and the transforms that produce values they accept. */
const TRANSFORMS_FOR_TYPE: Readonly<Record<string, readonly string[]>> = {
  gender: ['gender'],
  birthdate: ['date'],
  date: ['date'],
  email: ['email'],
  mobNr: ['phone'],
};

export function definitionIssues(def: SyncDefinition, report: SystemsReport): string[] {
  const properties = new Map(report.mailplusProperties.map((p) => [p.name, p]));
  const columns = new Set(report.dataverseColumns);
  const issues: string[] = [];
  const mailplus = (path: string, name: string) => {
    if (!properties.has(name))
      issues.push(`${path}: ${unknownName('Mail+ property', name, properties.keys())}`);
    return properties.get(name);
  };
  const dataverse = (path: string, name: string) => {
    if (!columns.has(name)) issues.push(`${path}: ${unknownName('Dataverse column', name, columns)}`);
  };
  def.fields.forEach((field, i) => {
    const at = `fields[${i}]`;
    const property = mailplus(`${at}.mailplus`, field.mailplus);
    if (property) issues.push(...typeIssues(at, field, property));
    if (field.transform.name === 'street-house-number')
      mailplus(`${at}.transform.houseNumber`, field.transform.houseNumber);
    dataverse(`${at}.dataverse`, dataverseColumnOf(field.dataverse, columns));
  });
  if (def.permissions.length > 0) {
    const permissions = mailplus('permissions', 'permissions');
    def.permissions.forEach((p, i) => {
      if (permissions) issues.push(...bitIssues(`permissions[${i}].bit`, [p.bit], permissions));
      dataverse(`permissions[${i}].dataverse.column`, p.dataverse.column);
    });
  }
  if (def.scope.kind === 'boolean-column') dataverse('scope.column', def.scope.column);
  return issues;
}

/** Throws a ConfigError listing every mismatch, or returns quietly. */
export function assertDefinitionMatchesSystems(def: SyncDefinition, report: SystemsReport): void {
  const issues = definitionIssues(def, report);
  if (issues.length > 0) throw new ConfigError(issues);
}

function typeIssues(at: string, field: FieldMapping, property: ReportedProperty): string[] {
  const bits = ownBits(field);
  if (property.type === 'set') {
    if (!bits)
      return [
        `${at}.transform: ${field.mailplus} is a set property: use 'set-boolean', 'set-multiselect' or 'set-string'`,
      ];
    return bitIssues(`${at}.transform`, bits, property);
  }
  if (bits)
    return [
      `${at}.transform: ${field.transform.name} needs a set property, but ${field.mailplus} has type '${property.type}'`,
    ];
  const allowed = TRANSFORMS_FOR_TYPE[property.type];
  if (allowed && !allowed.includes(field.transform.name)) {
    return [
      `${at}.transform: ${field.mailplus} has type '${property.type}': use ${allowed.map((t) => `'${t}'`).join(' or ')}`,
    ];
  }
  return [];
}

function bitIssues(at: string, bits: readonly number[], property: ReportedProperty): string[] {
  const known = new Map((property.entries ?? []).map((e) => [e.bit, e.description]));
  const listed = [...known].map(([bit, description]) => `${bit} (${description})`).join(', ');
  return bits
    .filter((bit) => !known.has(bit))
    .map((bit) => `${at}: ${property.name} has no entry with bit ${bit}; it has ${listed || 'no entries'}`);
}

/** A lookup path is checked by its lookup column, in whichever form the caller listed it. */
function dataverseColumnOf(dataverse: string, columns: ReadonlySet<string>): string {
  const lookup = parseLookupPath(dataverse);
  if (!lookup) return dataverse;
  return columns.has(lookupValueColumn(lookup)) ? lookupValueColumn(lookup) : lookup.lookup;
}

function unknownName(kind: string, name: string, known: Iterable<string>): string {
  const near = nearMatches(name, known);
  const hint = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : '';
  return `${kind} '${name}' does not exist${hint}`;
}

/**
 * Up to three known names within a small edit distance, closest first. A name that differs only in case
 * is almost certainly the one meant, so it is then the only suggestion.
 */
export function nearMatches(name: string, known: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  const candidates = [...known];
  const sameButCase = candidates.filter((c) => c.toLowerCase() === wanted);
  if (sameButCase.length > 0) return sameButCase;
  const limit = Math.max(1, Math.floor(wanted.length / 4));
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= limit || candidate.toLowerCase().startsWith(wanted))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
