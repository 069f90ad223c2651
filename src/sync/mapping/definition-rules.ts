import { isLookupPath, isPrimaryNameOf, parseLookupPath, READ_ONLY_COLUMNS } from './dataverse-columns.js';
import type { Direction, RawSyncDefinition } from './sync-definition.js';

/**
 * The rules a definition must follow beyond its shape: identity is never a field, lookups are
 * read-only, the e-mail mapping is required, every target is written by one source, and two-way data
 * names its owner. Each issue carries the path of the offending field.
 */
export interface RuleIssue {
  path: PropertyKey[];
  message: string;
}

type RawField = RawSyncDefinition['fields'][number];

export function checkDefinitionRules(def: RawSyncDefinition): RuleIssue[] {
  const issues: RuleIssue[] = [];
  def.fields.forEach((field, i) => {
    for (const issue of fieldIssues(field)) issues.push({ ...issue, path: ['fields', i, ...issue.path] });
  });
  def.permissions.forEach((p, i) => {
    const owner = ownerIssue(p.direction, p.owner);
    if (owner) issues.push({ path: ['permissions', i, 'owner'], message: owner });
  });
  issues.push(...emailIssues(def), ...duplicateIssues(def));
  return issues;
}

function fieldIssues(field: RawField): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ path, message });
  if (field.dataverse === 'contactid' || field.mailplus === 'externalId') {
    add([], 'identity is externalId (Mail+) = contactid (Dataverse) and is never mapped as a field');
  }
  if (field.mailplus === 'permissions')
    add(['mailplus'], "permissions are mapped under 'permissions', by bit");
  if (field.dataverse.startsWith('_')) {
    add(['dataverse'], 'map a lookup by its path, e.g. parentcustomerid_account.name, not its _value column');
  }
  const owner = ownerIssue(field.direction, field.owner);
  if (owner) add(['owner'], owner);
  if (isLookupPath(field.dataverse)) issues.push(...lookupIssues(field));
  else if (READ_ONLY_COLUMNS.has(field.dataverse) && field.direction !== 'to-mailplus') {
    add(['direction'], `${field.dataverse} is read-only in Dataverse: direction must be 'to-mailplus'`);
  }
  return issues;
}

function lookupIssues(field: RawField): RuleIssue[] {
  const path = parseLookupPath(field.dataverse);
  const issues: RuleIssue[] = [];
  if (path && !isPrimaryNameOf(path)) {
    issues.push({
      path: ['dataverse'],
      message: `only the related row's primary name can be read (change tracking forbids $expand), e.g. ${path.navigation}.${path.target === 'contact' ? 'fullname' : 'name'}`,
    });
  }
  if (field.direction !== 'to-mailplus') {
    issues.push({
      path: ['direction'],
      message: "a lookup (one level deep) is read-only: direction must be 'to-mailplus'",
    });
  }
  return issues;
}

function ownerIssue(direction: Direction, owner: string | undefined): string | null {
  if (direction === 'both' && owner === undefined) {
    return "is required when direction is 'both': 'dataverse' or 'mailplus' wins a conflict";
  }
  const source = direction === 'to-mailplus' ? 'dataverse' : 'mailplus';
  if (direction !== 'both' && owner !== undefined && owner !== source) {
    return `must be '${source}' (or left out) when direction is '${direction}': only the source can win`;
  }
  return null;
}

function emailIssues(def: RawSyncDefinition): RuleIssue[] {
  const index = def.fields.findIndex((f) => f.dataverse === 'emailaddress1' && f.mailplus === 'email');
  if (index < 0) {
    return [
      {
        path: ['fields'],
        message: "the e-mail mapping { dataverse: 'emailaddress1', mailplus: 'email' } is required",
      },
    ];
  }
  const field = def.fields[index]!;
  const transform = field.transform?.name;
  const issues: RuleIssue[] = [];
  if (transform !== undefined && transform !== 'email') {
    issues.push({ path: ['fields', index, 'transform'], message: "the e-mail mapping must use 'email'" });
  }
  if (field.category !== 'email') {
    issues.push({ path: ['fields', index, 'category'], message: "the e-mail mapping has category 'email'" });
  }
  return issues;
}

/** One writer per target: two sources for one value would overwrite each other on every sync. */
function duplicateIssues(def: RawSyncDefinition): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const toMailplus = new Map<string, number>();
  const toDataverse = new Map<string, string>();
  def.fields.forEach((field, i) => {
    const at = `fields[${i}]`;
    if (field.direction !== 'to-dataverse') {
      for (const key of mailplusTargets(field)) {
        const first = toMailplus.get(key);
        if (first !== undefined) issues.push(dup(['fields', i, 'mailplus'], key, `fields[${first}]`));
        else toMailplus.set(key, i);
      }
    }
    if (field.direction !== 'to-mailplus')
      claim(toDataverse, field.dataverse, at, ['fields', i, 'dataverse']);
  });
  const bits = new Map<number, number>();
  def.permissions.forEach((p, i) => {
    const first = bits.get(p.bit);
    if (first !== undefined)
      issues.push(dup(['permissions', i, 'bit'], `bit ${p.bit}`, `permissions[${first}]`));
    else bits.set(p.bit, i);
    if (p.direction !== 'to-mailplus') {
      claim(toDataverse, p.dataverse.column, `permissions[${i}]`, ['permissions', i, 'dataverse', 'column']);
    }
  });
  return issues;

  function claim(seen: Map<string, string>, key: string, at: string, path: PropertyKey[]): void {
    const first = seen.get(key);
    if (first !== undefined) issues.push(dup(path, key, first));
    else seen.set(key, at);
  }
}

function dup(path: PropertyKey[], target: string, first: string): RuleIssue {
  return { path, message: `${target} is already written by ${first}: each target has one source` };
}

/** The Mail+ values a field writes: set fields own only their bits, so two fields may share a set. */
export function mailplusTargets(field: RawField): string[] {
  const t = field.transform;
  if (t === undefined) return [field.mailplus];
  if (t.name === 'street-house-number') return [field.mailplus, t.houseNumber];
  if (t.name === 'set-boolean') return [`${field.mailplus}#${t.bit}`];
  if (t.name === 'set-multiselect') return t.options.map((o) => `${field.mailplus}#${o.bit}`);
  if (t.name === 'set-string') return t.labels.map((l) => `${field.mailplus}#${l.bit}`);
  return [field.mailplus];
}
