import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mappedDataverseColumns,
  mappedMailplusProperties,
  needsAnnotations,
  toDataverse,
  toMailplus,
} from '../../../src/sync/mapping/contact-mapper.js';
import { defaultSyncDefinition } from '../../../src/sync/mapping/default-mapping.js';
import { type FieldMappingInput, parseSyncDefinition } from '../../../src/sync/mapping/sync-definition.js';

const ID = '4a8c1e2f-0b3d-4c5e-8f90-a1b2c3d4e5f6';
const def = defaultSyncDefinition();

describe('direction, permissions meaning and shared set properties', () => {
  const email: FieldMappingInput = {
    dataverse: 'emailaddress1',
    mailplus: 'email',
    direction: 'both',
    owner: 'dataverse',
    category: 'email',
  };
  const custom = parseSyncDefinition({
    scope: { kind: 'boolean-column', column: 'new_mailplussync' },
    fields: [
      email,
      { dataverse: 'jobtitle', mailplus: 'jobTitle', direction: 'to-mailplus', category: 'jobtitle' },
      { dataverse: 'new_klanttype', mailplus: 'customerType', direction: 'to-dataverse', category: 'type' },
      {
        dataverse: 'new_fietsen',
        mailplus: 'interests',
        direction: 'both',
        owner: 'mailplus',
        category: 'interests',
        transform: { name: 'set-boolean', bit: 1 },
      },
      {
        dataverse: 'new_koken',
        mailplus: 'interests',
        direction: 'both',
        owner: 'mailplus',
        category: 'interests',
        transform: { name: 'set-boolean', bit: 4 },
      },
    ],
    permissions: [
      {
        bit: 2,
        dataverse: { column: 'new_aanbiedingen', meaning: 'opt-in' },
        direction: 'both',
        owner: 'mailplus',
      },
    ],
  });

  it('sends only fields that flow to Mail+, merging bits of one set property', () => {
    const out = toMailplus(
      {
        contactid: ID,
        emailaddress1: 'jan@example.com',
        jobtitle: 'Kok',
        new_klanttype: 'Klant',
        new_fietsen: true,
        new_koken: false,
        new_aanbiedingen: true,
      },
      custom,
    );
    assert.deepEqual(out, {
      properties: {
        email: 'jan@example.com',
        jobTitle: 'Kok',
        interests: [
          { bit: 1, enabled: true },
          { bit: 4, enabled: false },
        ],
      },
      permissions: [{ bit: 2, enabled: true }],
    });
  });

  it('writes only fields that flow to Dataverse, with opt-in meaning kept as is', () => {
    const out = toDataverse(
      {
        externalId: ID,
        properties: {
          email: 'jan@example.com',
          jobTitle: 'Kok',
          customerType: 'Prospect',
          interests: [
            { bit: 1, enabled: false },
            { bit: 4, enabled: true },
          ],
          permissions: [{ bit: 2, enabled: false }],
        },
      },
      custom,
    );
    assert.deepEqual(out, {
      emailaddress1: 'jan@example.com',
      new_klanttype: 'Prospect',
      new_fietsen: false,
      new_koken: true,
      new_aanbiedingen: false,
    });
  });

  it('lists the columns to select and the properties involved', () => {
    assert.deepEqual(mappedDataverseColumns(custom), [
      'contactid',
      'emailaddress1',
      'jobtitle',
      'new_klanttype',
      'new_fietsen',
      'new_koken',
      'new_aanbiedingen',
      'statecode',
      'donotbulkemail',
      'new_mailplussync',
    ]);
    assert.deepEqual(mappedMailplusProperties(custom), [
      'email',
      'jobTitle',
      'customerType',
      'interests',
      'permissions',
    ]);
    assert.equal(needsAnnotations(custom), false);
  });

  it('selects the lookup as its _value column for the default definition', () => {
    const columns = mappedDataverseColumns(def);
    assert.ok(columns.includes('_parentcustomerid_value'));
    assert.ok(!columns.some((c) => c.includes('.')));
    for (const column of columns) assert.match(column, /^[a-z_][a-z0-9_]*$/, 'valid for $select');
    assert.ok(mappedMailplusProperties(def).includes('houseNumber'));
    assert.equal(needsAnnotations(def), true);
  });
});
