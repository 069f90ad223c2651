import { describe, it } from 'node:test';
import type { FieldMappingInput } from '../../../src/sync/mapping/sync-definition.js';
import { assertIssue, definition, EMAIL, withField } from './definition-fixtures.js';

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
