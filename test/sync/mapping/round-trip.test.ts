import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, seededRandom } from '../../../src/clock.js';
import { readPayload } from '../../../src/emulators/dataverse/payload.js';
import { project } from '../../../src/emulators/dataverse/projection.js';
import { seedContacts } from '../../../src/emulators/dataverse/seed.js';
import { DataverseStore } from '../../../src/emulators/dataverse/store.js';
import { DEFAULT_ACCOUNT_PROPERTIES } from '../../../src/emulators/mailplus/account-properties.js';
import { contactProperties } from '../../../src/emulators/mailplus/synthetic-contacts.js';
import { validateProperties } from '../../../src/emulators/mailplus/validation.js';
import { createSyntheticPeople } from '../../../src/emulators/shared/synthetic-people.js';
import { canonicalValues } from '../../../src/sync/mapping/canonical.js';
import {
  mappedDataverseColumns,
  mapToDataverse,
  mapToMailplus,
  toDataverse,
  toMailplus,
} from '../../../src/sync/mapping/contact-mapper.js';
import { defaultSyncDefinition } from '../../../src/sync/mapping/default-mapping.js';

/**
 * Bulk round trips over synthetic Dutch and Belgian people, through the emulators' own seeding,
 * projection and validation, so the mapping is checked against what both systems accept.
 */
const def = defaultSyncDefinition({ mailplusProperties: DEFAULT_ACCOUNT_PROPERTIES });
const account = new Map(DEFAULT_ACCOUNT_PROPERTIES.map((p) => [p.name, p]));
const PEOPLE = 300;

function seededStore(): DataverseStore {
  const store = new DataverseStore(new ManualClock(), seededRandom(7));
  seedContacts(store, PEOPLE, 2026);
  return store;
}

/** What Mail+ would hold after a write: nulls are not stored, and set entries are returned. */
function asStored(values: ReturnType<typeof toMailplus>): Record<string, unknown> {
  const stored = Object.fromEntries(Object.entries(values.properties).filter(([, v]) => v !== null));
  return { ...stored, permissions: values.permissions };
}

describe('round trips over synthetic people', () => {
  const store = seededStore();
  const select = mappedDataverseColumns(def);
  const rows = [...store.contacts.values()].map((row) => project(row, select, '*', store));

  it('Dataverse -> Mail+ gives values the Mail+ emulator accepts, with the same canonical values', () => {
    for (const row of rows) {
      const values = toMailplus(row, def);
      const accepted = validateProperties({ ...values.properties, permissions: values.permissions }, account);
      assert.ok(accepted.ok, accepted.ok ? '' : accepted.message);
      assert.deepEqual(
        canonicalValues('mailplus', asStored(values), def),
        canonicalValues('dataverse', row, def),
      );
    }
  });

  it('Dataverse -> Mail+ -> Dataverse is accepted by the Dataverse emulator and changes no canonical value', () => {
    for (const row of rows) {
      const back = toDataverse(
        { externalId: String(row.contactid), properties: asStored(toMailplus(row, def)) },
        def,
      );
      readPayload(JSON.stringify(back), store);
      assert.deepEqual(
        canonicalValues('dataverse', { ...row, ...back }, def),
        canonicalValues('dataverse', row, def),
      );
    }
  });

  it('Dataverse -> Mail+ -> Dataverse keeps names, dates and addresses exactly', () => {
    for (const row of rows) {
      const back = toDataverse(
        { externalId: String(row.contactid), properties: asStored(toMailplus(row, def)) },
        def,
      );
      for (const column of [
        'firstname',
        'middlename',
        'lastname',
        'birthdate',
        'address1_line1',
        'address1_city',
      ]) {
        assert.equal(back[column], row[column], column);
      }
      assert.equal(back.gendercode, row.gendercode);
      assert.equal(
        back.address1_country,
        row.address1_country,
        'seeded Dutch names come back as Dutch names',
      );
    }
  });

  it('Mail+ -> Dataverse -> Mail+ changes no canonical value for Mail+-born contacts', () => {
    const people = createSyntheticPeople({ seed: 11 });
    const random = seededRandom(3);
    for (let i = 0; i < PEOPLE; i++) {
      const properties = contactProperties(people(i), random);
      const written = toDataverse({ externalId: random.uuid(), properties }, def);
      const again = toMailplus(written, def);
      const before = canonicalValues('mailplus', properties, def);
      assert.deepEqual(canonicalValues('dataverse', written, def), withoutOrganisation(before));
      assert.deepEqual(
        withoutOrganisation(canonicalValues('mailplus', asStored(again), def)),
        withoutOrganisation(before),
      );
    }
  });
});

/** organisation flows only to Mail+, so a row written by koppel does not carry it. */
function withoutOrganisation(values: Record<string, string | null>): Record<string, string | null> {
  const { organisation: _, ...rest } = values;
  return rest;
}

describe('canonical values', () => {
  const contactid = '0b6f3a9e-2c4d-4e5f-8a7b-9c0d1e2f3a4b';
  const dataverse = {
    contactid,
    emailaddress1: ' Noel.Janssens@EXAMPLE.org',
    firstname: 'Noe\u0308l',
    middlename: null,
    lastname: 'Janssens',
    gendercode: 1,
    birthdate: '1979-12-31',
    address1_line1: 'Veldstraat  21 bus 4',
    address1_postalcode: '9000',
    address1_city: 'Gent',
    address1_country: 'Belgium',
    mobilephone: '+32 470 12 34 56',
    telephone1: null,
    jobtitle: null,
    department: null,
    _parentcustomerid_value: null,
    donotbulkemail: true,
  };
  const mailplus = {
    email: 'Noel.Janssens@example.org',
    firstName: 'Noël',
    lastName: 'Janssens',
    gender: 'M',
    birthday: '31-12-1979',
    street: 'Veldstraat',
    houseNumber: '21 bus 4',
    postalCode: '9000',
    city: 'Gent',
    country: 'België',
    mobileNumber: '+32470123456',
    permissions: [{ bit: 1, description: 'Nieuwsbrief', enabled: false }],
  };

  it('are the same for one person state read from either side', () => {
    const fromDataverse = canonicalValues('dataverse', dataverse, def);
    assert.deepEqual(fromDataverse, canonicalValues('mailplus', mailplus, def));
    assert.equal(fromDataverse.gender, 'M');
    assert.equal(fromDataverse.email, 'Noel.Janssens@example.org');
    assert.equal(fromDataverse.country, 'BE');
    assert.equal(fromDataverse.street, 'Veldstraat 21 bus 4');
    assert.equal(fromDataverse['permission#1'], 'false');
  });

  it('leave out unread columns and keep a stable value for invalid ones', () => {
    const partial = canonicalValues('dataverse', { contactid, emailaddress1: 'not an address' }, def);
    assert.deepEqual(Object.keys(partial), ['email']);
    assert.equal(
      partial.email,
      canonicalValues('dataverse', { contactid, emailaddress1: 'not an address' }, def).email,
    );
    assert.notEqual(
      partial.email,
      canonicalValues('dataverse', { contactid, emailaddress1: 'other' }, def).email,
    );
  });

  it('differ when the person changed', () => {
    const moved = canonicalValues('mailplus', { ...mailplus, houseNumber: '23' }, def);
    assert.notEqual(moved.street, canonicalValues('mailplus', mailplus, def).street);
  });
});

describe('errors carry no personal data', () => {
  it('names fields and problems only, for every synthetic person with broken values', () => {
    const store = seededStore();
    const select = mappedDataverseColumns(def);
    for (const original of [...store.contacts.values()].slice(0, 100)) {
      const row = project(original, select, '*', store);
      const broken = {
        ...row,
        emailaddress1: String(row.emailaddress1).replace('@', ' at '),
        firstname: String(row.firstname).repeat(256),
        mobilephone: String(row.mobilephone).slice(0, 6),
        birthdate: `${String(row.birthdate).slice(0, 5)}13-01`,
        address1_country: `${String(row.address1_city)}land`,
      };
      const { errors } = mapToMailplus(broken, def);
      assert.equal(errors.length, 5, errors.map((e) => e.field).join());
      const text = errors.map((e) => e.message).join(' ');
      for (const value of Object.values(original)) {
        if (typeof value === 'string' && value.length > 3)
          assert.ok(!text.includes(value), 'an error echoes a value');
      }
      const back = mapToDataverse(
        { externalId: String(row.contactid), properties: { lastName: `${row.lastname}`.repeat(9) } },
        def,
      );
      assert.ok(!back.errors.some((e) => e.message.includes(String(row.lastname))));
    }
  });
});
