import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import {
  type FieldMappingInput,
  parseSyncDefinition,
  type SyncDefinitionInput,
} from '../../../src/sync/mapping/sync-definition.js';

/** Small definitions and assertions shared by the definition tests. */
export const EMAIL: FieldMappingInput = {
  dataverse: 'emailaddress1',
  mailplus: 'email',
  direction: 'both',
  owner: 'dataverse',
  category: 'email',
};

export function definition(extra: Partial<SyncDefinitionInput> = {}): SyncDefinitionInput {
  return { scope: { kind: 'all-active' }, fields: [EMAIL], ...extra };
}

export function withField(field: FieldMappingInput): SyncDefinitionInput {
  return definition({ fields: [EMAIL, field] });
}

/** The issues a ConfigError lists, for matching against field paths and rules. */
export function issuesOf(input: unknown): string[] {
  try {
    parseSyncDefinition(input);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
  return assert.fail('expected the definition to be rejected');
}

export function assertIssue(input: unknown, pattern: RegExp): void {
  const issues = issuesOf(input);
  assert.ok(
    issues.some((i) => pattern.test(i)),
    `no issue matches ${pattern}:\n${issues.join('\n')}`,
  );
}
