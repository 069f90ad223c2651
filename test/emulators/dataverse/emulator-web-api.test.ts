import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorOf, type RawApi, startRawApi } from './helpers.js';

describe('Dataverse emulator: Web API answers', () => {
  let api: RawApi;
  let ids: string[];
  before(async () => {
    api = await startRawApi({ seedContacts: 5 });
    ids = api.emulator.admin.listContacts().map((c) => String(c.contactid));
  });
  after(() => api.close());

  test('a request without a valid bearer token gets 401 with WWW-Authenticate and no body', async () => {
    const reply = await api.raw('GET', '/api/data/v9.2/contacts', {
      headers: { Authorization: 'Bearer nope' },
    });
    assert.equal(reply.status, 401);
    assert.equal(reply.text, '');
    assert.match(
      reply.headers.get('www-authenticate') ?? '',
      /^Bearer authorization_uri=https:\/\/127\.0\.0\.1:\d+\/[\w-]+\/oauth2\/authorize, resource_id=https:\/\/127\.0\.0\.1:\d+\/$/,
    );
  });

  test('a collection page: context, etags, nextLink with a paging cookie, Preference-Applied', async () => {
    const reply = await api.call('GET', 'contacts?$select=fullname', {
      headers: { Prefer: 'odata.maxpagesize=2' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('odata-version'), '4.0');
    assert.equal(reply.headers.get('preference-applied'), 'odata.maxpagesize=2');
    const body = reply.json() as {
      value: Array<Record<string, unknown>>;
      '@odata.context': string;
      '@odata.nextLink': string;
    };
    assert.equal(body['@odata.context'], `${api.emulator.baseUrl}$metadata#contacts(fullname)`);
    assert.deepEqual(Object.keys(body.value[0]!), ['@odata.etag', 'fullname', 'contactid']);
    assert.match(String(body.value[0]!['@odata.etag']), /^W\/"\d+"$/);
    assert.match(
      body['@odata.nextLink'],
      /^https:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/contacts\?\$select=fullname&\$skiptoken=%3Ccookie%20pagenumber%3D%222%22%20pagingcookie%3D%22.*%22%20istracking%3D%22False%22%20%2F%3E$/,
    );
  });

  test('rejects what Dataverse rejects: unknown column, $skip, track-changes with $filter, bad GUID', async () => {
    const unknown = await api.call('GET', 'contacts?$select=fullname,shoesize');
    assert.deepEqual(
      [unknown.status, errorOf(unknown)],
      [
        400,
        {
          code: '0x0',
          message: "Could not find a property named 'shoesize' on type 'Microsoft.Dynamics.CRM.contact'.",
        },
      ],
    );
    assert.equal((await api.call('GET', 'contacts?$skip=2')).status, 400);
    const tracked = await api.call('GET', "contacts?$select=fullname&$filter=lastname eq 'x'", {
      headers: { Prefer: 'odata.track-changes' },
    });
    assert.deepEqual(
      [tracked.status, errorOf(tracked).message],
      [400, `The "$filter" query parameter isn't supported when Change Tracking is enabled.`],
    );
    const top = await api.call('GET', 'contacts?$top=1', { headers: { Prefer: 'odata.track-changes' } });
    assert.match(errorOf(top).message, /"\$top" query parameter isn't supported/);
    const badKey = await api.call('GET', 'contacts(not-a-guid)');
    assert.deepEqual([badKey.status, errorOf(badKey).code], [400, '0x8006088a']);
    const missing = await api.call('GET', 'contacts(00000000-0000-0000-0000-000000000009)');
    assert.deepEqual(
      [missing.status, errorOf(missing)],
      [
        404,
        {
          code: '0x80040217',
          message: 'contact With Id = 00000000-0000-0000-0000-000000000009 Does Not Exist',
        },
      ],
    );
    const segment = await api.call('GET', 'Contacts');
    assert.deepEqual(
      [segment.status, errorOf(segment).message],
      [404, "Resource not found for the segment 'Contacts'."],
    );
  });

  test('$filter: comparisons, and/or/not, parentheses, contains, null, booleans, dates; type mismatches refused', async () => {
    const admin = api.emulator.admin;
    admin.createContact({
      firstname: 'Zoë',
      lastname: 'Bakker',
      emailaddress1: 'zoe@example.net',
      birthdate: '1990-05-01',
      numberofchildren: 2,
      donotbulkemail: true,
    });
    admin.createContact({
      firstname: 'Sem',
      lastname: 'de Wit',
      birthdate: '1975-01-31',
      numberofchildren: 0,
    });
    const names = async (filter: string) => {
      const reply = await api.call('GET', `contacts?$select=lastname&$filter=${encodeURIComponent(filter)}`);
      assert.equal(reply.status, 200, reply.text);
      return (reply.json().value as Array<{ lastname: string }>).map((r) => r.lastname).sort();
    };
    assert.deepEqual(await names("lastname eq 'BAKKER'"), ['Bakker'], 'case-insensitive like SQL Server');
    assert.deepEqual(await names("contains(emailaddress1,'@example.net') and donotbulkemail eq true"), [
      'Bakker',
    ]);
    assert.deepEqual(await names('birthdate lt 1980-01-01 and numberofchildren ge 0'), ['de Wit']);
    assert.deepEqual(
      await names("(lastname eq 'Bakker' or lastname eq 'de Wit') and not (numberofchildren gt 1)"),
      ['de Wit'],
    );
    assert.deepEqual(await names("emailaddress1 eq null and startswith(lastname,'de')"), ['de Wit']);
    const mismatch = await api.call('GET', `contacts?$filter=${encodeURIComponent('lastname eq 5')}`);
    assert.deepEqual(
      [mismatch.status, errorOf(mismatch).message],
      [
        400,
        "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.",
      ],
    );
    assert.equal(
      (await api.call('GET', `contacts?$filter=${encodeURIComponent("lastname eq 'x' and")}`)).status,
      400,
    );
  });

  test('PATCH upsert: 204 with OData-EntityId; 201/200 with return=representation; versions increase', async () => {
    const id = '9b2f4c1e-1111-4a2b-8c3d-5e6f7a8b9c0d';
    const created = await api.call('PATCH', `contacts(${id})`, { body: '{"lastname":"Visser"}' });
    assert.deepEqual([created.status, created.text], [204, '']);
    assert.equal(created.headers.get('odata-entityid'), `${api.emulator.baseUrl}contacts(${id})`);
    const first = api.emulator.admin.getContact(id)!;
    const updated = await api.call('PATCH', `contacts(${id})?$select=lastname`, {
      body: '{"lastname":"Visscher"}',
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(Object.keys(updated.json()), ['@odata.context', '@odata.etag', 'lastname', 'contactid']);
    const second = api.emulator.admin.getContact(id)!;
    assert.ok(Number(second.versionnumber) > Number(first.versionnumber));
    assert.equal(second.createdon, first.createdon);
    const made = await api.call('PATCH', 'contacts(9b2f4c1e-2222-4a2b-8c3d-5e6f7a8b9c0d)', {
      body: '{"lastname":"Nieuw"}',
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(made.status, 201);
  });

  test('PATCH preconditions and payload validation answer with the real codes', async () => {
    const id = ids[0]!;
    const etag = `W/"${api.emulator.admin.getContact(id)!.versionnumber}"`;
    const dup = await api.call('PATCH', `contacts(${id})`, { body: '{}', headers: { 'If-None-Match': '*' } });
    assert.deepEqual(
      [dup.status, errorOf(dup)],
      [412, { code: '0x80040237', message: 'A record with matching key values already exists.' }],
    );
    const stale = await api.call('PATCH', `contacts(${id})`, {
      body: '{}',
      headers: { 'If-Match': 'W/"1"' },
    });
    assert.deepEqual([stale.status, errorOf(stale).code], [412, '0x80060882']);
    assert.equal(
      (
        await api.call('PATCH', `contacts(${id})`, {
          body: '{"jobtitle":"CFO"}',
          headers: { 'If-Match': etag },
        })
      ).status,
      204,
    );
    const gone = await api.call('PATCH', 'contacts(9b2f4c1e-3333-4a2b-8c3d-5e6f7a8b9c0d)', {
      body: '{}',
      headers: { 'If-Match': '*' },
    });
    assert.equal(gone.status, 404);
    const unknown = await api.call('PATCH', `contacts(${id})`, { body: '{"shoesize":44}' });
    assert.equal(unknown.status, 400);
    assert.equal(errorOf(unknown).code, '0x80048d19');
    assert.match(
      errorOf(unknown).message,
      /Invalid property 'shoesize' was found in entity 'Microsoft\.Dynamics\.CRM\.contact'\.$/,
    );
    const long = await api.call('PATCH', `contacts(${id})`, {
      body: JSON.stringify({ firstname: 'x'.repeat(51) }),
    });
    assert.deepEqual(
      [long.status, errorOf(long)],
      [
        400,
        {
          code: '0x80044331',
          message:
            "A validation error occurred.  The length of the 'firstname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'.",
        },
      ],
    );
    const range = await api.call('PATCH', `contacts(${id})`, { body: '{"gendercode":7}' });
    assert.deepEqual([range.status, errorOf(range).code], [400, '0x8004431a']);
  });

  test('DELETE answers 204, then 404; the delete shows in the next delta after the upserts', async () => {
    const start = await api.call('GET', 'contacts?$select=lastname', {
      headers: { Prefer: 'odata.track-changes' },
    });
    const deltaLink = String(start.json()['@odata.deltaLink']);
    assert.match(deltaLink, /\$deltatoken=\d+%21\d{2}%2f\d{2}%2f\d{4}%20\d{2}%3a\d{2}%3a\d{2}$/);
    assert.equal((await api.call('DELETE', `contacts(${ids[1]})`)).status, 204);
    assert.equal((await api.call('DELETE', `contacts(${ids[1]})`)).status, 404);
    await api.call('PATCH', `contacts(${ids[2]})`, { body: '{"jobtitle":"Directeur"}' });
    const delta = await api.call('GET', deltaLink.slice(deltaLink.indexOf('contacts')));
    const body = delta.json() as { value: Array<Record<string, unknown>>; '@odata.context': string };
    assert.equal(body['@odata.context'], `${api.emulator.baseUrl}$metadata#contacts(lastname)/$delta`);
    assert.deepEqual(
      body.value.map((v) => v.contactid ?? v.id),
      [ids[2], ids[1]],
    );
    assert.deepEqual(body.value[1], {
      '@odata.context': `${api.emulator.baseUrl}$metadata#contacts/$deletedEntity`,
      id: ids[1],
      reason: 'deleted',
    });
  });

  test('lists and their contact members through listcontact_association and AddMemberList', async () => {
    const list = api.emulator.admin.createList('Klanten');
    const add = await api.call('POST', `lists(${list.listid})/Microsoft.Dynamics.CRM.AddMemberList`, {
      body: JSON.stringify({ EntityId: ids[3] }),
    });
    assert.equal(add.status, 200);
    const members = await api.call('GET', `lists(${list.listid})/listcontact_association?$select=contactid`);
    assert.deepEqual(
      (members.json().value as Array<{ contactid: string }>).map((m) => m.contactid),
      [ids[3]],
    );
  });
});
