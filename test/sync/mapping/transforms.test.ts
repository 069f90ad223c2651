import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../src/errors.js';
import {
  checkLength,
  country,
  countryCodeOf,
  countryEn,
  date,
  email,
  gender,
  infix,
  phone,
  postcode,
  setBoolean,
  setMultiselect,
  setString,
  splitStreetLine,
  streetHouseNumber,
  text,
} from '../../../src/sync/mapping/transforms.js';

const ctx = { field: 'somecolumn -> someProperty' };

/** Asserts a PermanentError that names the field and never echoes the value. */
function assertRejects(run: () => unknown, value: string, problem: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof PermanentError);
    assert.match(error.message, /^somecolumn -> someProperty: /);
    assert.match(error.message, problem);
    assert.ok(!error.message.includes(value), `message echoes the value: ${error.message}`);
    return true;
  });
}

describe('text', () => {
  it('trims, NFC-normalises and empties to null, both ways', () => {
    const decomposed = 'Zoe\u0308 '; // "Zoë" typed with a combining diaeresis
    assert.equal(text.toMailplus(decomposed, ctx), 'Zoë');
    assert.equal(text.toDataverse('  Anaïs', ctx), 'Anaïs');
    assert.equal(text.toMailplus('   ', ctx), null);
    assert.equal(text.toDataverse(null, ctx), null);
    assert.equal(text.toDataverse(42, ctx), '42');
  });
  it('refuses objects without echoing them', () => {
    assertRejects(() => text.toMailplus({ secret: 'Jansen' }, ctx), 'Jansen', /is not text/);
  });
  it('checkLength names the maximum, not the value', () => {
    checkLength('x'.repeat(50), 50, ctx);
    assertRejects(() => checkLength('Zoë'.repeat(20), 50, ctx), 'Zoë', /maximum of 50 characters/);
  });
});

describe('email', () => {
  it('lowercases the domain only and trims', () => {
    assert.equal(email.toMailplus(' Zoe.deVries@Example.COM ', ctx), 'Zoe.deVries@example.com');
    assert.equal(email.toDataverse('anais@EXAMPLE.org', ctx), 'anais@example.org');
    assert.equal(email.toDataverse('', ctx), null);
  });
  for (const bad of [
    'jan.jansen',
    'jan@example',
    'jan jansen@example.com',
    '@example.com',
    'jan@.example.com',
  ]) {
    it(`rejects ${JSON.stringify(bad)} without echoing it`, () => {
      assertRejects(() => email.toMailplus(bad, ctx), bad, /not a valid e-mail address/);
      assertRejects(() => email.toDataverse(bad, ctx), bad, /not a valid e-mail address/);
    });
  }
});

describe('gender', () => {
  it('maps 1/2 to M/F and back', () => {
    assert.equal(gender.toMailplus(1, ctx), 'M');
    assert.equal(gender.toMailplus(2, ctx), 'F');
    assert.equal(gender.toDataverse('M', ctx), 1);
    assert.equal(gender.toDataverse('f', ctx), 2);
  });
  it('maps other and unknown values to null (cleared, never stale)', () => {
    for (const other of [3, 100000000, null, 'X']) assert.equal(gender.toMailplus(other, ctx), null);
    for (const other of ['X', 'V', '', null, 1]) assert.equal(gender.toDataverse(other, ctx), null);
  });
});

describe('date', () => {
  it('keeps yyyy-mm-dd both ways', () => {
    assert.equal(date.toMailplus('1987-02-28', ctx), '1987-02-28');
    assert.equal(date.toDataverse('1987-02-28', ctx), '1987-02-28');
  });
  it('reads dd-mm-yyyy, ISO date-times and epoch milliseconds from Mail+', () => {
    assert.equal(date.toDataverse('28-02-1987', ctx), '1987-02-28');
    assert.equal(date.toDataverse('1-2-1987', ctx), '1987-02-01');
    assert.equal(date.toDataverse('1987-02-28T00:00:00+01:00', ctx), '1987-02-28');
    assert.equal(date.toDataverse(Date.UTC(1987, 1, 28), ctx), '1987-02-28');
  });
  it('rejects impossible and malformed dates without echoing them', () => {
    assertRejects(() => date.toMailplus('1987-02-30', ctx), '1987-02-30', /not an existing calendar date/);
    assertRejects(() => date.toDataverse('30-02-1987', ctx), '30-02-1987', /not an existing calendar date/);
    assertRejects(() => date.toDataverse('28 februari 1987', ctx), 'februari', /not a date/);
  });
});

describe('country', () => {
  it('recognises Dutch, English, French and German names and codes', () => {
    const cases: Array<[string, string]> = [
      ['Nederland', 'NL'],
      ['The Netherlands', 'NL'],
      ['holland', 'NL'],
      ['België', 'BE'],
      ['Belgie', 'BE'],
      ['Belgium', 'BE'],
      ['Belgique', 'BE'],
      ['be', 'BE'],
      ['Duitsland', 'DE'],
      ['Deutschland', 'DE'],
      ['Luxemburg', 'LU'],
      ['Curaçao', 'CW'],
    ];
    for (const [name, code] of cases) assert.equal(country.toMailplus(name, ctx), code, name);
  });
  it('writes Dutch names (country) or English names (country-en) to Dataverse', () => {
    assert.equal(country.toDataverse('NL', ctx), 'Nederland');
    assert.equal(country.toDataverse('BE', ctx), 'België');
    assert.equal(countryEn.toDataverse('BE', ctx), 'Belgium');
    assert.equal(country.toDataverse('Belgium', ctx), 'België', 'a name typed in Mail+ is recognised too');
  });
  it('rejects unknown names and non-countries without echoing them', () => {
    assertRejects(() => country.toMailplus('Atlantis', ctx), 'Atlantis', /not a recognised country/);
    assert.equal(countryCodeOf('EU'), null);
    assert.equal(countryCodeOf('XX'), null);
    assert.equal(country.toMailplus('', ctx), null);
  });
});

describe('phone', () => {
  const pair = phone();
  it('normalises Dutch and Belgian numbers to E.164', () => {
    assert.equal(pair.toMailplus('06-12345678', ctx), '+31612345678');
    assert.equal(pair.toMailplus('+31 6 1234 5678', ctx), '+31612345678');
    assert.equal(pair.toMailplus('0031612345678', ctx), '+31612345678');
    assert.equal(pair.toMailplus('020 123 4567', ctx), '+31201234567');
    assert.equal(pair.toMailplus('0470 12 34 56', ctx), '+32470123456', 'not valid in NL, valid in BE');
    assert.equal(pair.toDataverse('+32 9 234 56 78', ctx), '+3292345678');
    assert.equal(pair.toDataverse('+31612345678', ctx), '+31612345678');
  });
  it('tries the configured regions in order', () => {
    assert.equal(phone(['BE']).toMailplus('0470123456', ctx), '+32470123456');
  });
  it('rejects invalid numbers without echoing them', () => {
    assertRejects(() => pair.toMailplus('0612', ctx), '0612', /not a valid phone number/);
    assertRejects(() => pair.toDataverse('+31 99 999', ctx), '999', /not a valid phone number/);
  });
});

describe('infix', () => {
  it('lowercases, single-spaces and straightens apostrophes', () => {
    assert.equal(infix.toMailplus('  Van  der ', ctx), 'van der');
    assert.equal(infix.toDataverse('Van ’t', ctx), "van 't");
    assert.equal(infix.toDataverse('IN HET', ctx), 'in het');
    assert.equal(infix.toMailplus('', ctx), null);
  });
});

describe('postcode', () => {
  it('writes Dutch postcodes as 1234 AB and leaves Belgian ones', () => {
    assert.equal(postcode.toMailplus('1234ab', ctx), '1234 AB');
    assert.equal(postcode.toDataverse(' 1234  AB ', ctx), '1234 AB');
    assert.equal(postcode.toMailplus('9000', ctx), '9000');
  });
});

describe('street and house number', () => {
  const cases: Array<[string, string, string | null]> = [
    ['Kerkstraat 12', 'Kerkstraat', '12'],
    ['Kerkstraat 12a', 'Kerkstraat', '12a'],
    ['Kerkstraat 12-1', 'Kerkstraat', '12-1'],
    ['Kerkstraat 12 A', 'Kerkstraat', '12 A'],
    ['Kerkstraat 12 bis', 'Kerkstraat', '12 bis'],
    ['Grote Markt 7 bus 3', 'Grote Markt', '7 bus 3'],
    ['1e Jan Steenstraat 101', '1e Jan Steenstraat', '101'],
    ['Plein 1944 3', 'Plein 1944', '3'],
    ['Laan 1940-1945 12', 'Laan 1940-1945', '12'],
    ['Hoofdweg', 'Hoofdweg', null],
  ];
  for (const [line, street, houseNumber] of cases) {
    it(`splits ${JSON.stringify(line)} and joins it back`, () => {
      assert.deepEqual(splitStreetLine(line), { street, houseNumber });
      const parts = streetHouseNumber.toMailplus(line, ctx);
      assert.equal(streetHouseNumber.toDataverse(parts, ctx), line);
    });
  }
  it('collapses spaces and clears both parts when the line is empty', () => {
    assert.deepEqual(streetHouseNumber.toMailplus('  Kerkstraat   12 ', ctx), {
      street: 'Kerkstraat',
      houseNumber: '12',
    });
    assert.deepEqual(streetHouseNumber.toMailplus(null, ctx), { street: null, houseNumber: null });
    assert.equal(streetHouseNumber.toDataverse({ street: null, houseNumber: null }, ctx), null);
    assert.equal(streetHouseNumber.toDataverse({ street: 'Dorpsstraat' }, ctx), 'Dorpsstraat');
  });
});

describe('set transforms', () => {
  const interests = [
    { bit: 1, enabled: true, description: 'Fietsen' },
    { bit: 2, enabled: false, description: 'Wandelen' },
    { bit: 4, enabled: true, description: 'Koken' },
  ];
  it('set-boolean maps one bit to a Boolean column', () => {
    const pair = setBoolean(4);
    assert.deepEqual(pair.toMailplus(true, ctx), [{ bit: 4, enabled: true }]);
    assert.deepEqual(pair.toMailplus(null, ctx), [{ bit: 4, enabled: false }]);
    assert.equal(pair.toDataverse(interests, ctx), true);
    assert.equal(setBoolean(2).toDataverse(interests, ctx), false);
    assert.equal(setBoolean(8).toDataverse(null, ctx), false);
  });
  it('set-multiselect maps bits to choice values', () => {
    const pair = setMultiselect([
      { bit: 1, value: 100000000 },
      { bit: 2, value: 100000001 },
      { bit: 4, value: 100000002 },
    ]);
    assert.equal(pair.toDataverse(interests, ctx), '100000000,100000002');
    assert.deepEqual(pair.toMailplus('100000001, 100000002', ctx), [
      { bit: 1, enabled: false },
      { bit: 2, enabled: true },
      { bit: 4, enabled: true },
    ]);
    assert.equal(pair.toDataverse([], ctx), null);
    assertRejects(() => pair.toMailplus('fietsen', ctx), 'fietsen', /not a list of choice values/);
  });
  it('set-string maps bits to labels, case-insensitively', () => {
    const pair = setString([
      { bit: 1, label: 'Fietsen' },
      { bit: 4, label: 'Koken' },
    ]);
    assert.equal(pair.toDataverse(interests, ctx), 'Fietsen; Koken');
    assert.deepEqual(pair.toMailplus('koken', ctx), [
      { bit: 1, enabled: false },
      { bit: 4, enabled: true },
    ]);
    assertRejects(() => pair.toMailplus('Koken; Zeilen', ctx), 'Zeilen', /label that is not in the mapping/);
  });
});
