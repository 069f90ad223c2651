import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../src/errors.js';
import {
  MappingError,
  mapToMailplus,
  toDataverse,
  toMailplus,
} from '../../../src/sync/mapping/contact-mapper.js';
import { defaultSyncDefinition } from '../../../src/sync/mapping/default-mapping.js';

const ID = '4a8c1e2f-0b3d-4c5e-8f90-a1b2c3d4e5f6';
const ACCOUNT = '7d6e5f40-1a2b-4c3d-9e8f-0a1b2c3d4e5f';
const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
const LOGICAL = 'Microsoft.Dynamics.CRM.lookuplogicalname';
const def = defaultSyncDefinition();

/** A synthetic row as Dataverse returns it with $select and `odata.include-annotations="*"`. */
function row(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@odata.etag': 'W/"1000001"',
    contactid: ID,
    emailaddress1: 'Zoe.deVries.7@Example.com',
    firstname: 'Zoë',
    middlename: 'de',
    lastname: 'Vries',
    gendercode: 2,
    birthdate: '1990-04-17',
    address1_line1: 'Kerkstraat 12a',
    address1_postalcode: '1234ab',
    address1_city: 'Utrecht',
    address1_country: 'Nederland',
    mobilephone: '06-12345678',
    telephone1: null,
    jobtitle: 'Inkoper',
    department: 'Inkoop',
    _parentcustomerid_value: ACCOUNT,
    [`_parentcustomerid_value@${FORMATTED}`]: 'Voorbeeld B.V.',
    [`_parentcustomerid_value@${LOGICAL}`]: 'account',
    donotbulkemail: false,
    statecode: 0,
    ...overrides,
  };
}

describe('toMailplus', () => {
  it('maps the default definition to Mail+ properties and permissions', () => {
    assert.deepEqual(toMailplus(row(), def), {
      properties: {
        email: 'Zoe.deVries.7@example.com',
        firstName: 'Zoë',
        infix: 'de',
        lastName: 'Vries',
        gender: 'F',
        birthday: '1990-04-17',
        street: 'Kerkstraat',
        houseNumber: '12a',
        postalCode: '1234 AB',
        city: 'Utrecht',
        country: 'NL',
        mobileNumber: '+31612345678',
        phoneNumber: null,
        jobTitle: 'Inkoper',
        department: 'Inkoop',
        organisation: 'Voorbeeld B.V.',
      },
      permissions: [{ bit: 1, enabled: true }],
    });
  });

  it('leaves out columns that were not read, and never guesses consent', () => {
    const { properties, permissions } = toMailplus(
      { contactid: ID, emailaddress1: 'jan@example.com', donotbulkemail: null },
      def,
    );
    assert.deepEqual(properties, { email: 'jan@example.com' });
    assert.deepEqual(permissions, []);
  });

  it('reads the company name only from an account lookup with its annotation', () => {
    const withoutAnnotation = row();
    delete withoutAnnotation[`_parentcustomerid_value@${FORMATTED}`];
    assert.equal(
      'organisation' in toMailplus(withoutAnnotation, def).properties,
      false,
      'unknown, not empty',
    );
    assert.equal(
      toMailplus(row({ [`_parentcustomerid_value@${LOGICAL}`]: 'contact' }), def).properties.organisation,
      null,
    );
    assert.equal(toMailplus(row({ _parentcustomerid_value: null }), def).properties.organisation, null);
  });

  it('collects every failed field into one error that names fields, not values', () => {
    const bad = row({ emailaddress1: 'zoe.example.com', mobilephone: '0612', firstname: 'Anaïs'.repeat(52) });
    const mapped = mapToMailplus(bad, def);
    assert.deepEqual(
      mapped.errors.map((e) => e.field),
      ['email', 'firstName', 'mobileNumber'],
    );
    assert.equal(mapped.values.properties.lastName, 'Vries', 'the other fields still map');
    assert.throws(
      () => toMailplus(bad, def),
      (error: unknown) => {
        assert.ok(error instanceof MappingError && error instanceof PermanentError);
        assert.equal(error.fields.length, 3);
        assert.match(error.message, /emailaddress1 -> email: is not a valid e-mail address/);
        assert.match(error.message, /firstname -> firstName: is longer than the maximum of 255 characters/);
        assert.match(error.message, /mobilephone -> mobileNumber: is not a valid phone number/);
        for (const value of ['zoe.example.com', '0612', 'Anaïs']) assert.ok(!error.message.includes(value));
        return true;
      },
    );
  });

  it('refuses a permission column that is not a Boolean', () => {
    assert.throws(
      () => toMailplus(row({ donotbulkemail: 'nee' }), def),
      /donotbulkemail -> permission#1: is not a Boolean/,
    );
  });
});

describe('toDataverse', () => {
  const contact = {
    externalId: ID,
    properties: {
      email: 'anais.peeters.3@EXAMPLE.net',
      firstName: 'Anaïs',
      lastName: 'Peeters',
      gender: 'F',
      birthday: '14-07-1985',
      street: 'Grote Markt',
      houseNumber: '7 bus 3',
      postalCode: '9000',
      city: 'Gent',
      country: 'BE',
      mobileNumber: '+32470123456',
      organisation: 'Voorbeeld NV',
      permissions: [
        { bit: 1, description: 'Nieuwsbrief', enabled: false },
        { bit: 2, description: 'Aanbiedingen', enabled: true },
      ],
    },
  };

  it('maps two-way and to-dataverse fields, never lookups, and treats absent properties as empty', () => {
    assert.deepEqual(toDataverse(contact, def), {
      emailaddress1: 'anais.peeters.3@example.net',
      firstname: 'Anaïs',
      middlename: null,
      lastname: 'Peeters',
      gendercode: 2,
      birthdate: '1985-07-14',
      address1_line1: 'Grote Markt 7 bus 3',
      address1_postalcode: '9000',
      address1_city: 'Gent',
      address1_country: 'België',
      mobilephone: '+32470123456',
      telephone1: null,
      jobtitle: null,
      department: null,
      donotbulkemail: true,
    });
  });

  it('writes no consent when Mail+ reports no permissions', () => {
    const { permissions: _, ...rest } = contact.properties;
    assert.equal('donotbulkemail' in toDataverse({ externalId: ID, properties: rest }, def), false);
  });

  it('checks Dataverse maximum lengths (lastname 50)', () => {
    const long = {
      externalId: ID,
      properties: { ...contact.properties, lastName: 'Van den Broeck-'.repeat(4) },
    };
    assert.throws(
      () => toDataverse(long, def),
      (error: unknown) => {
        assert.ok(error instanceof MappingError);
        assert.equal(
          error.message,
          'Contact cannot be mapped to Dataverse: lastName -> lastname: is longer than the maximum of 50 characters',
        );
        return true;
      },
    );
  });
});
