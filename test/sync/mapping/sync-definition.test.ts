import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  flowsToDataverse,
  flowsToMailplus,
  parseSyncDefinition,
} from '../../../src/sync/mapping/sync-definition.js';
import { definition, EMAIL, withField } from './definition-fixtures.js';

describe('sync definition: accepted forms and defaults', () => {
  it('fills defaults: version, lifecycle actions, owner of one-way fields, transforms', () => {
    const def = parseSyncDefinition(
      withField({
        dataverse: 'jobtitle',
        mailplus: 'jobTitle',
        direction: 'to-dataverse',
        category: 'jobtitle',
      }),
    );
    assert.equal(def.version, 1);
    assert.deepEqual(def.permissions, []);
    assert.equal(def.onDataverseDelete, 'anonymize');
    assert.equal(def.onDataverseDeactivate, 'anonymize');
    assert.equal(def.onDoNotBulkEmail, 'anonymize');
    assert.deepEqual(def.fields[0]!.transform, { name: 'email' }, 'the e-mail mapping validates addresses');
    assert.deepEqual(def.fields[1]!.transform, { name: 'text' });
    assert.equal(def.fields[1]!.owner, 'mailplus', 'a one-way field is owned by its source');
  });

  it('accepts the three scopes, custom columns, lookups and set transforms', () => {
    const listId = '9f1c2d3e-4b5a-6789-abcd-ef0123456789';
    for (const scope of [
      { kind: 'all-active' as const },
      { kind: 'marketing-list' as const, listId },
      { kind: 'boolean-column' as const, column: 'new_syncmailplus' },
    ]) {
      assert.deepEqual(parseSyncDefinition(definition({ scope })).scope, scope);
    }
    const def = parseSyncDefinition(
      definition({
        fields: [
          EMAIL,
          {
            dataverse: 'new_klantnummer',
            mailplus: 'customerNumber',
            direction: 'to-mailplus',
            category: 'reference',
          },
          {
            dataverse: 'parentcustomerid_account.name',
            mailplus: 'organisation',
            direction: 'to-mailplus',
            category: 'company',
          },
          {
            dataverse: 'new_fietsen',
            mailplus: 'interests',
            direction: 'both',
            owner: 'mailplus',
            category: 'interests',
            transform: { name: 'set-boolean', bit: 1 },
          },
          {
            dataverse: 'new_interesses',
            mailplus: 'interests',
            direction: 'both',
            owner: 'mailplus',
            category: 'interests',
            transform: { name: 'set-multiselect', options: [{ bit: 2, value: 100000001 }] },
          },
        ],
        permissions: [
          {
            bit: 1,
            dataverse: { column: 'donotbulkemail', meaning: 'do-not' },
            direction: 'both',
            owner: 'mailplus',
          },
        ],
        onDoNotBulkEmail: 'withdraw-permissions',
      }),
    );
    assert.equal(def.fields.length, 5);
    assert.equal(def.onDoNotBulkEmail, 'withdraw-permissions');
    assert.equal(def.permissions[0]!.owner, 'mailplus');
  });

  it('exposes direction through flowsToMailplus / flowsToDataverse', () => {
    assert.deepEqual(
      (['to-mailplus', 'to-dataverse', 'both'] as const).map((direction) => [
        flowsToMailplus({ direction }),
        flowsToDataverse({ direction }),
      ]),
      [
        [true, false],
        [false, true],
        [true, true],
      ],
    );
  });
});

describe('docs/mapping.md', () => {
  it('has an example definition that parses', () => {
    const markdown = readFileSync(new URL('../../../docs/mapping.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(markdown);
    assert.ok(example, 'docs/mapping.md has a json example');
    const def = parseSyncDefinition(JSON.parse(example[1]!));
    assert.equal(def.scope.kind, 'marketing-list');
    assert.equal(def.onDoNotBulkEmail, 'withdraw-permissions');
  });
});
