import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTACT_COLUMNS } from '../../../src/emulators/dataverse/contact-schema.js';
import {
  DEFAULT_ACCOUNT_PROPERTIES,
  toWireProperty,
} from '../../../src/emulators/mailplus/account-properties.js';
import { ConfigError } from '../../../src/errors.js';
import {
  CATEGORY_LABELS,
  categoriesInUse,
  DATA_CATEGORIES,
} from '../../../src/sync/mapping/data-categories.js';
import { DEFAULT_FIELDS, defaultSyncDefinition } from '../../../src/sync/mapping/default-mapping.js';
import { type FieldMappingInput, parseSyncDefinition } from '../../../src/sync/mapping/sync-definition.js';
import {
  assertDefinitionMatchesSystems,
  definitionIssues,
  nearMatches,
} from '../../../src/sync/mapping/validate-definition.js';

/** What the two emulators report: /contact/properties/list and the contact columns. */
const report = {
  mailplusProperties: DEFAULT_ACCOUNT_PROPERTIES.map(toWireProperty),
  dataverseColumns: Object.keys(CONTACT_COLUMNS),
};
const EMAIL: FieldMappingInput = {
  dataverse: 'emailaddress1',
  mailplus: 'email',
  direction: 'both',
  owner: 'dataverse',
  category: 'email',
};

function issuesFor(fields: FieldMappingInput[], extra: Record<string, unknown> = {}): string[] {
  return definitionIssues(
    parseSyncDefinition({ scope: { kind: 'all-active' }, fields: [EMAIL, ...fields], ...extra }),
    report,
  );
}

describe('validating a definition against the systems', () => {
  it('accepts the default definition against both emulators', () => {
    assert.deepEqual(definitionIssues(defaultSyncDefinition(), report), []);
    assertDefinitionMatchesSystems(defaultSyncDefinition(), report);
  });

  it('names an unknown Mail+ property and suggests near matches', () => {
    const issues = issuesFor([
      { dataverse: 'firstname', mailplus: 'firstname', direction: 'to-mailplus', category: 'name' },
    ]);
    assert.deepEqual(issues, [
      "fields[1].mailplus: Mail+ property 'firstname' does not exist; did you mean 'firstName'?",
    ]);
    const far = issuesFor([
      { dataverse: 'firstname', mailplus: 'voornaam', direction: 'to-mailplus', category: 'name' },
    ]);
    assert.deepEqual(far, ["fields[1].mailplus: Mail+ property 'voornaam' does not exist"]);
  });

  it('names an unknown Dataverse column, permission column and scope column', () => {
    const issues = issuesFor(
      [{ dataverse: 'jobtitel', mailplus: 'jobTitle', direction: 'to-mailplus', category: 'jobtitle' }],
      {
        scope: { kind: 'boolean-column', column: 'new_sync' },
        permissions: [
          { bit: 1, dataverse: { column: 'donotbulkmail', meaning: 'do-not' }, direction: 'to-mailplus' },
        ],
      },
    );
    assert.deepEqual(issues, [
      "fields[1].dataverse: Dataverse column 'jobtitel' does not exist; did you mean 'jobtitle'?",
      "permissions[0].dataverse.column: Dataverse column 'donotbulkmail' does not exist; did you mean 'donotbulkemail'?",
      "scope.column: Dataverse column 'new_sync' does not exist",
    ]);
  });

  it('checks lookups by their lookup column in either form', () => {
    const field: FieldMappingInput = {
      dataverse: 'parentcustomerid_account.name',
      mailplus: 'organisation',
      direction: 'to-mailplus',
      category: 'company',
    };
    assert.deepEqual(issuesFor([field]), []);
    const def = parseSyncDefinition({ scope: { kind: 'all-active' }, fields: [EMAIL, field] });
    const logical = { ...report, dataverseColumns: ['emailaddress1', 'parentcustomerid', 'donotbulkemail'] };
    assert.deepEqual(definitionIssues(def, logical), []);
    const missing = definitionIssues(def, { ...report, dataverseColumns: ['emailaddress1'] });
    assert.match(missing[0]!, /^fields\[1\]\.dataverse: Dataverse column 'parentcustomerid' does not exist/);
  });

  it('checks set properties, their bits and the transforms typed properties need', () => {
    const set = { dataverse: 'description', direction: 'to-dataverse', category: 'interests' } as const;
    assert.deepEqual(
      issuesFor([{ ...set, mailplus: 'interests', transform: { name: 'set-boolean', bit: 16 } }]),
      [
        'fields[1].transform: interests has no entry with bit 16; it has 1 (Fietsen), 2 (Wandelen), 4 (Koken), 8 (Reizen)',
      ],
    );
    assert.deepEqual(issuesFor([{ ...set, mailplus: 'interests' }]), [
      "fields[1].transform: interests is a set property: use 'set-boolean', 'set-multiselect' or 'set-string'",
    ]);
    assert.deepEqual(issuesFor([{ ...set, mailplus: 'city', transform: { name: 'set-boolean', bit: 1 } }]), [
      "fields[1].transform: set-boolean needs a set property, but city has type 'string'",
    ]);
    assert.deepEqual(
      issuesFor([{ ...set, dataverse: 'gendercode', mailplus: 'gender', category: 'gender' }]),
      ["fields[1].transform: gender has type 'gender': use 'gender'"],
    );
    assert.deepEqual(
      issuesFor([], {
        permissions: [
          { bit: 32, dataverse: { column: 'donotbulkemail', meaning: 'do-not' }, direction: 'to-mailplus' },
        ],
      }),
      [
        'permissions[0].bit: permissions has no entry with bit 32; it has 1 (Nieuwsbrief), 2 (Aanbiedingen), 4 (Evenementen)',
      ],
    );
  });

  it('throws a ConfigError listing every issue', () => {
    const def = parseSyncDefinition({
      scope: { kind: 'all-active' },
      fields: [
        EMAIL,
        { dataverse: 'firstnaam', mailplus: 'firstNaam', direction: 'to-mailplus', category: 'name' },
      ],
    });
    assert.throws(
      () => assertDefinitionMatchesSystems(def, report),
      (error: unknown) => error instanceof ConfigError && error.issues.length === 2,
    );
  });

  it('nearMatches finds case and small-typo variants, closest first', () => {
    assert.deepEqual(nearMatches('Postalcode', ['postalCode', 'city', 'postcode']), ['postalCode']);
    assert.deepEqual(nearMatches('postcde', ['postalCode', 'city', 'postcode']), ['postcode']);
    assert.deepEqual(nearMatches('jobTitel', ['jobTitle', 'lastName']), ['jobTitle']);
    assert.deepEqual(nearMatches('mobile', ['mobileNumber', 'email']), ['mobileNumber']);
  });
});

describe('default definition', () => {
  it('maps the standard columns with a category each, and owners as documented', () => {
    const def = defaultSyncDefinition();
    assert.equal(def.fields.length, DEFAULT_FIELDS.length);
    const organisation = def.fields.find((f) => f.mailplus === 'organisation')!;
    assert.equal(organisation.direction, 'to-mailplus');
    assert.equal(organisation.dataverse, 'parentcustomerid_account.name');
    assert.ok(def.fields.filter((f) => f.direction === 'both').every((f) => f.owner === 'dataverse'));
    assert.deepEqual(def.permissions, [
      {
        bit: 1,
        dataverse: { column: 'donotbulkemail', meaning: 'do-not' },
        direction: 'both',
        owner: 'mailplus',
      },
    ]);
    assert.deepEqual(def.scope, { kind: 'all-active' });
  });

  it('leaves out optional fields the account lacks, never the e-mail', () => {
    const properties = report.mailplusProperties.filter(
      (p) => !['phoneNumber', 'houseNumber', 'email'].includes(p.name),
    );
    const def = defaultSyncDefinition({
      mailplusProperties: properties,
      scope: { kind: 'boolean-column', column: 'new_sync' },
    });
    const names = def.fields.map((f) => f.mailplus);
    assert.ok(names.includes('email'));
    assert.ok(!names.includes('phoneNumber'));
    assert.ok(!names.includes('street'), 'street needs houseNumber too');
    const noPermissions = defaultSyncDefinition({
      mailplusProperties: properties.filter((p) => p.name !== 'permissions'),
    });
    assert.deepEqual(noPermissions.permissions, []);
  });
});

describe('data categories', () => {
  it('has Dutch and English labels for every category', () => {
    for (const category of DATA_CATEGORIES) {
      assert.ok(CATEGORY_LABELS[category].nl.length > 0 && CATEGORY_LABELS[category].en.length > 0);
    }
  });

  it('lists the categories in use, in canonical order', () => {
    assert.deepEqual(categoriesInUse(defaultSyncDefinition()), [
      'email',
      'name',
      'address',
      'company',
      'phone',
      'gender',
      'birthdate',
      'jobtitle',
      'permissions',
    ]);
    const minimal = parseSyncDefinition({ scope: { kind: 'all-active' }, fields: [EMAIL] });
    assert.deepEqual(categoriesInUse(minimal), ['email']);
  });
});
