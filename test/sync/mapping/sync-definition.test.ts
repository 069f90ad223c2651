import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/errors.js';
import {
  type FieldMappingInput,
  flowsToDataverse,
  flowsToMailplus,
  parseSyncDefinition,
  type SyncDefinitionInput,
} from '../../../src/sync/mapping/sync-definition.js';

const EMAIL: FieldMappingInput = {
  dataverse: 'emailaddress1',
  mailplus: 'email',
  direction: 'both',
  owner: 'dataverse',
  category: 'email',
};

function definition(extra: Partial<SyncDefinitionInput> = {}): SyncDefinitionInput {
  return { scope: { kind: 'all-active' }, fields: [EMAIL], ...extra };
}

function withField(field: FieldMappingInput): SyncDefinitionInput {
  return definition({ fields: [EMAIL, field] });
}

/** The issues a ConfigError lists, for matching against field paths and rules. */
function issuesOf(input: unknown): string[] {
  try {
    parseSyncDefinition(input);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
  return assert.fail('expected the definition to be rejected');
}

function assertIssue(input: unknown, pattern: RegExp): void {
  const issues = issuesOf(input);
  assert.ok(
    issues.some((i) => pattern.test(i)),
    `no issue matches ${pattern}:\n${issues.join('\n')}`,
  );
}

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

describe('sync definition: errors name the field path and the rule', () => {
  it('requires the e-mail mapping', () => {
    assertIssue(
      definition({
        fields: [
          {
            dataverse: 'firstname',
            mailplus: 'firstName',
            direction: 'both',
            owner: 'dataverse',
            category: 'name',
          },
        ],
      }),
      /^fields: the e-mail mapping .* is required/,
    );
    assertIssue(
      definition({ fields: [{ ...EMAIL, transform: 'text' }] }),
      /^fields\[0\]\.transform: the e-mail mapping must use 'email'/,
    );
    assertIssue(
      definition({ fields: [{ ...EMAIL, category: 'name' }] }),
      /^fields\[0\]\.category: the e-mail mapping has category 'email'/,
    );
  });

  it('refuses to map the identity as a field', () => {
    assertIssue(
      withField({
        dataverse: 'contactid',
        mailplus: 'customerNumber',
        direction: 'to-mailplus',
        category: 'reference',
      }),
      /^fields\[1\]: identity is externalId \(Mail\+\) = contactid/,
    );
    assertIssue(
      withField({
        dataverse: 'new_ref',
        mailplus: 'externalId',
        direction: 'to-mailplus',
        category: 'reference',
      }),
      /^fields\[1\]: identity/,
    );
  });

  it('keeps lookups read-only and says so', () => {
    assertIssue(
      withField({
        dataverse: 'parentcustomerid_account.name',
        mailplus: 'organisation',
        direction: 'both',
        owner: 'dataverse',
        category: 'company',
      }),
      /^fields\[1\]\.direction: a lookup \(one level deep\) is read-only: direction must be 'to-mailplus'/,
    );
    assertIssue(
      withField({
        dataverse: 'parentcustomerid_account.accountnumber',
        mailplus: 'organisation',
        direction: 'to-mailplus',
        category: 'company',
      }),
      /^fields\[1\]\.dataverse: only the related row's primary name can be read/,
    );
    assertIssue(
      withField({
        dataverse: '_parentcustomerid_value',
        mailplus: 'organisation',
        direction: 'to-mailplus',
        category: 'company',
      }),
      /^fields\[1\]\.dataverse: map a lookup by its path/,
    );
    assertIssue(
      withField({
        dataverse: 'parentcustomerid_account.primarycontactid.fullname',
        mailplus: 'organisation',
        direction: 'to-mailplus',
        category: 'company',
      }),
      /^fields\[1\]\.dataverse: must be a column .* or a lookup path/,
    );
  });

  it('refuses writes to read-only columns', () => {
    assertIssue(
      withField({
        dataverse: 'fullname',
        mailplus: 'lastName',
        direction: 'both',
        owner: 'dataverse',
        category: 'name',
      }),
      /^fields\[1\]\.direction: fullname is read-only in Dataverse/,
    );
  });

  it('requires an owner for two-way data, and the source as owner of one-way data', () => {
    assertIssue(
      withField({ dataverse: 'firstname', mailplus: 'firstName', direction: 'both', category: 'name' }),
      /^fields\[1\]\.owner: is required when direction is 'both'/,
    );
    assertIssue(
      withField({
        dataverse: 'firstname',
        mailplus: 'firstName',
        direction: 'to-mailplus',
        owner: 'mailplus',
        category: 'name',
      }),
      /^fields\[1\]\.owner: must be 'dataverse' \(or left out\) when direction is 'to-mailplus'/,
    );
    assertIssue(
      definition({
        permissions: [
          { bit: 1, dataverse: { column: 'donotbulkemail', meaning: 'do-not' }, direction: 'both' },
        ],
      }),
      /^permissions\[0\]\.owner: is required/,
    );
  });

  it('allows one source per target', () => {
    const first: FieldMappingInput = {
      dataverse: 'firstname',
      mailplus: 'firstName',
      direction: 'to-mailplus',
      category: 'name',
    };
    assertIssue(
      definition({ fields: [EMAIL, first, { ...first, dataverse: 'nickname' }] }),
      /^fields\[2\]\.mailplus: firstName is already written by fields\[1\]/,
    );
    const set = {
      mailplus: 'interests',
      direction: 'both' as const,
      owner: 'mailplus' as const,
      category: 'interests' as const,
    };
    assertIssue(
      definition({
        fields: [
          EMAIL,
          { ...set, dataverse: 'new_a', transform: { name: 'set-boolean', bit: 1 } },
          { ...set, dataverse: 'new_b', transform: { name: 'set-boolean', bit: 1 } },
        ],
      }),
      /^fields\[2\]\.mailplus: interests#1 is already written/,
    );
    const permission = {
      bit: 1,
      dataverse: { column: 'donotbulkemail', meaning: 'do-not' as const },
      direction: 'to-mailplus' as const,
    };
    assertIssue(
      definition({ permissions: [permission, permission] }),
      /^permissions\[1\]\.bit: bit 1 is already written by permissions\[0\]/,
    );
  });

  it('refuses the permissions property as a field', () => {
    assertIssue(
      withField({
        dataverse: 'donotbulkemail',
        mailplus: 'permissions',
        direction: 'to-mailplus',
        category: 'permissions',
      }),
      /^fields\[1\]\.mailplus: permissions are mapped under 'permissions', by bit/,
    );
  });

  it('names shape errors: scope, enums, transforms, unknown keys', () => {
    assertIssue(
      definition({ scope: { kind: 'marketing-list', listId: 'nieuwsbrief' } }),
      /^scope\.listId: must be a GUID/,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'x', direction: 'sideways' as never }),
      /^fields\[1\]\.direction: .*"to-mailplus"/,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'x', category: 'hobbies' as never }),
      /^fields\[1\]\.category: .*"interests"/,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'x', transform: 'uppercase' as never }),
      /^fields\[1\]\.transform\.name: must be one of 'text'/,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'x', transform: { name: 'set-boolean' } as never }),
      /^fields\[1\]\.transform\.bit: /,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'x', transform: { name: 'phone', regions: ['XY'] } }),
      /^fields\[1\]\.transform\.regions\[0\]: must be an ISO 3166 code/,
    );
    assertIssue(
      withField({ ...EMAIL, mailplus: 'first name' }),
      /^fields\[1\]\.mailplus: must be a Mail\+ property name/,
    );
    assertIssue(
      withField({ ...EMAIL, dataverse: 'FirstName', mailplus: 'x' }),
      /^fields\[1\]\.dataverse: must be a column/,
    );
    assertIssue({ ...definition(), extra: true }, /Unrecognized key.*extra/);
    assertIssue(definition({ onDataverseDelete: 'delete' as never }), /^onDataverseDelete: .*"anonymize"/);
  });
});
