import type { z } from 'zod';
import { KoppelError } from '../errors.js';
import { type IncidentFacts, incidentFactsSchema } from './facts-schema.js';

/** Facts that cannot be assessed, with one line per bad field: `people.count: must be a whole number`. */
export class InvalidFactsError extends KoppelError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid incident facts:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Validates facts (e.g. parsed from a facts file or a request body); throws InvalidFactsError. */
export function parseFacts(input: unknown): IncidentFacts {
  const result = incidentFactsSchema.safeParse(input);
  if (!result.success) throw new InvalidFactsError(factsIssues(result.error, input));
  return result.data;
}

/** Reads the text of a facts file: a JSON syntax error is an issue too, never a stack trace. */
export function parseFactsJson(text: string): IncidentFacts {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new InvalidFactsError([
      `(file): is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  return parseFacts(input);
}

/** `people.count`, `data[1]`, or `(facts)` for the whole object. */
export function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(facts)' : out;
}

const PEOPLE_FORMS = 'people: must be {count} or {min, max} (with optional vulnerable and categories)';

/**
 * One readable line per problem. Two of zod's issues need help: an unknown key (named by its own path)
 * and the `people` union, whose raw issue lists both alternatives' failures. For the union we report the
 * alternative the input evidently meant (it has `count`, or `min`/`max`), and else the two forms.
 */
export function factsIssues(error: z.ZodError, input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) lines.push(...describe(issue, [], input));
  return [...new Set(lines)];
}

function describe(issue: z.core.$ZodIssue, prefix: PropertyKey[], input: unknown): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => `${pathOf([...path, key])}: is not a known field`);
  if (issue.code === 'invalid_union') {
    const given = valueAt(input, path);
    if (given === null || typeof given !== 'object' || Array.isArray(given)) return [PEOPLE_FORMS];
    const keys = Object.keys(given);
    const branch = keys.includes('count') ? 0 : keys.includes('min') || keys.includes('max') ? 1 : -1;
    const chosen = branch >= 0 ? issue.errors[branch] : undefined;
    if (!chosen || (keys.includes('count') && (keys.includes('min') || keys.includes('max'))))
      return [PEOPLE_FORMS];
    return chosen.flatMap((inner) => describe(inner, path, input));
  }
  return [`${pathOf(path)}: ${issue.message}`];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = input;
  for (const segment of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[segment];
  }
  return at;
}
