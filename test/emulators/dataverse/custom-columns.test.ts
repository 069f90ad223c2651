import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Column } from '../../../src/emulators/dataverse/contact-schema.js';
import { startDataverseEmulator } from '../../../src/emulators/dataverse/index.js';
import { errorOf, type RawApi, startRawApi } from './helpers.js';

/** What a maker might add to contact: text, yes/no, choice, whole number and date columns. */
const CUSTOM: Record<string, Column> = {
  new_klantnummer: { type: 'string', maxLength: 20 },
  new_fietsliefhebber: { type: 'boolean' },
  cr123_segment: { type: 'picklist', options: { 100000000: 'Particulier', 100000001: 'Zakelijk' } },
  new_aantalbestellingen: { type: 'int' },
  new_klantsinds: { type: 'date' },
};

type Rows = { value: Array<Record<string, unknown>>; '@odata.deltaLink'?: string };

describe('Dataverse emulator: custom columns are checked like a maker portal would', () => {
  const refused = (name: string, column: Column, reason: RegExp) =>
    assert.rejects(startDataverseEmulator({ customColumns: { [name]: column } }), (error: Error) => {
      assert.match(error.message, new RegExp(`^customColumns\\.${name}: `));
      assert.match(error.message, reason);
      return true;
    });

  test('refuses names without a publisher prefix, standard names, and columns Dataverse could not have', async () => {
    await refused('klantnummer', { type: 'string', maxLength: 20 }, /publisher's prefix/);
    await refused('New_Klantnummer', { type: 'string', maxLength: 20 }, /publisher's prefix/);
    await refused('mscrm_klant', { type: 'string', maxLength: 20 }, /publisher's prefix/);
    await refused('n_klant', { type: 'string', maxLength: 20 }, /publisher's prefix/);
    await refused('firstname', { type: 'string', maxLength: 50 }, /standard column/);
    await refused('new_klantnummer', { type: 'string' }, /maxLength from 1 to 1048576/);
    await refused('new_notitie', { type: 'string', maxLength: 2_000_000 }, /maxLength from 1 to 1048576/);
    await refused('new_vlag', { type: 'boolean', maxLength: 1 }, /only text has a maxLength/);
    await refused('new_segment', { type: 'picklist' }, /choice column needs its options/);
    await refused('new_account', { type: 'lookup', target: 'account' }, /'lookup' is not modelled/);
    await refused('new_totaal', { type: 'string', maxLength: 10, readOnly: true }, /calculated/);
  });
});

describe('Dataverse emulator: custom columns through the Web API', () => {
  let api: RawApi;
  let ids: string[];
  before(async () => {
    api = await startRawApi({ seedContacts: 3, customColumns: CUSTOM });
    ids = api.emulator.admin.listContacts().map((c) => String(c.contactid));
  });
  after(() => api.close());

  test('a read without $select lists the custom columns, null while unset, so koppel can see they exist', async () => {
    const reply = await api.call('GET', `contacts(${ids[2]})`);
    assert.equal(reply.status, 200);
    const row = reply.json();
    for (const name of Object.keys(CUSTOM)) assert.equal(row[name], null, `${name} is listed as null`);
  });

  test('$select, $filter and $orderby accept custom columns, with the types of their metadata', async () => {
    api.emulator.admin.updateContact(ids[0]!, {
      new_klantnummer: 'KL-0001',
      new_fietsliefhebber: true,
      cr123_segment: 100000001,
      new_aantalbestellingen: 7,
      new_klantsinds: '2019-04-01',
    });
    const select = '$select=new_klantnummer,new_fietsliefhebber,new_aantalbestellingen,new_klantsinds';
    const filtered = await api.call('GET', `contacts?${select}&$filter=new_fietsliefhebber eq true`);
    assert.equal(filtered.status, 200, filtered.text);
    assert.deepEqual(
      (filtered.json() as Rows).value.map(({ '@odata.etag': _, ...rest }) => rest),
      [
        {
          new_klantnummer: 'KL-0001',
          new_fietsliefhebber: true,
          new_aantalbestellingen: 7,
          new_klantsinds: '2019-04-01',
          contactid: ids[0],
        },
      ],
    );
    const text = await api.call(
      'GET',
      "contacts?$select=contactid&$filter=startswith(new_klantnummer,'kl-')",
    );
    assert.deepEqual(
      (text.json() as Rows).value.map((r) => r.contactid),
      [ids[0]],
      'case-insensitive',
    );
    const counted = await api.call('GET', 'contacts?$select=contactid&$filter=new_aantalbestellingen gt 5');
    assert.deepEqual(
      (counted.json() as Rows).value.map((r) => r.contactid),
      [ids[0]],
    );
    const ordered = await api.call('GET', 'contacts?$select=new_klantnummer&$orderby=new_klantnummer desc');
    assert.equal((ordered.json() as Rows).value[0]!.contactid, ids[0], 'nulls sort last descending');
    const mismatch = await api.call('GET', "contacts?$filter=new_fietsliefhebber eq 'ja'");
    assert.deepEqual(
      [mismatch.status, errorOf(mismatch).message],
      [
        400,
        "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
      ],
    );
  });

  test('a custom choice carries its label as the FormattedValue annotation, like a standard one', async () => {
    const reply = await api.call('GET', `contacts(${ids[0]})?$select=cr123_segment`, {
      headers: { Prefer: 'odata.include-annotations="*"' },
    });
    const row = reply.json();
    assert.equal(row.cr123_segment, 100000001);
    assert.equal(row['cr123_segment@OData.Community.Display.V1.FormattedValue'], 'Zakelijk');
  });

  test('writes are validated against the custom metadata: length, type and option range, by Web API and admin', async () => {
    const patch = (body: Record<string, unknown>) =>
      api.call('PATCH', `contacts(${ids[1]})`, { body: JSON.stringify(body), headers: { 'If-Match': '*' } });
    const long = await patch({ new_klantnummer: 'K'.repeat(21) });
    assert.deepEqual(
      [long.status, errorOf(long)],
      [
        400,
        {
          code: '0x80044331',
          message:
            "A validation error occurred.  The length of the 'new_klantnummer' attribute of the 'contact' entity exceeded the maximum allowed length of '20'.",
        },
      ],
    );
    const wrongType = await patch({ new_fietsliefhebber: 'ja' });
    assert.equal(wrongType.status, 400);
    assert.match(
      errorOf(wrongType).message,
      /property 'new_fietsliefhebber' to the expected type 'Edm.Boolean'/,
    );
    const outOfRange = await patch({ cr123_segment: 3 });
    assert.match(
      errorOf(outOfRange).message,
      /The value 3 of 'cr123_segment'.*Accepted Values: 100000000,100000001/,
    );
    const badDate = await patch({ new_klantsinds: 'gisteren' });
    assert.match(errorOf(badDate).message, /'new_klantsinds' to the expected type 'Edm.Date'/);
    assert.throws(
      () => api.emulator.admin.updateContact(ids[1]!, { new_klantnummer: 'K'.repeat(21) }),
      /'new_klantnummer' attribute .* maximum allowed length of '20'/,
    );
    assert.equal(api.emulator.admin.getContact(ids[1]!)!.new_klantnummer, undefined, 'nothing was written');
    const exact = await patch({ new_klantnummer: 'K'.repeat(20) });
    assert.equal(exact.status, 204, 'exactly the maximum is accepted');
  });

  test('a change to a custom column shows in the change feed and in the returned representation', async () => {
    const first = await api.call('GET', 'contacts?$select=new_klantnummer,new_fietsliefhebber', {
      headers: { Prefer: 'odata.track-changes' },
    });
    const deltaLink = (first.json() as Rows)['@odata.deltaLink']!;
    const written = await api.call('PATCH', `contacts(${ids[2]})?$select=new_fietsliefhebber`, {
      body: JSON.stringify({ new_fietsliefhebber: false }),
      headers: { 'If-Match': '*', Prefer: 'return=representation' },
    });
    assert.equal(written.status, 200);
    assert.equal(written.json().new_fietsliefhebber, false);
    api.emulator.admin.updateContact(ids[1]!, { new_klantnummer: 'KL-0002' });
    const delta = await api.call('GET', deltaLink.slice(api.emulator.baseUrl.length));
    assert.deepEqual(
      (delta.json() as Rows).value.map(({ '@odata.etag': _, ...rest }) => rest),
      [
        { new_klantnummer: null, new_fietsliefhebber: false, contactid: ids[2] },
        { new_klantnummer: 'KL-0002', new_fietsliefhebber: null, contactid: ids[1] },
      ],
    );
    assert.equal(api.emulator.admin.getContact(ids[1]!)!.new_klantnummer, 'KL-0002');
  });
});

describe('Dataverse emulator: custom columns belong to one organisation', () => {
  test('an emulator without them refuses the column in $select, in a body and in an admin edit', async () => {
    const withColumns = await startRawApi({ seedContacts: 1, customColumns: CUSTOM });
    const without = await startRawApi({ seedContacts: 1 });
    try {
      assert.equal((await withColumns.call('GET', 'contacts?$select=new_klantnummer')).status, 200);
      const read = await without.call('GET', 'contacts?$select=new_klantnummer');
      assert.deepEqual(
        [read.status, errorOf(read).message],
        [400, "Could not find a property named 'new_klantnummer' on type 'Microsoft.Dynamics.CRM.contact'."],
      );
      const [id] = without.emulator.admin.listContacts().map((c) => String(c.contactid));
      const write = await without.call('PATCH', `contacts(${id})`, {
        body: JSON.stringify({ new_klantnummer: 'KL-0001' }),
      });
      assert.equal(write.status, 400);
      assert.match(errorOf(write).message, /Invalid property 'new_klantnummer' was found/);
      assert.throws(
        () => without.emulator.admin.updateContact(id!, { new_klantnummer: 'KL-0001' }),
        /Invalid property/,
      );
      const all = (await without.call('GET', `contacts(${id})`)).json();
      assert.ok(!('new_klantnummer' in all), 'not listed among the columns');
    } finally {
      await withColumns.close();
      await without.close();
    }
  });
});
