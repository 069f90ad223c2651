import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MailplusEmulator, startMailplusEmulator } from '../../../src/emulators/mailplus/index.js';
import { rawClient } from './raw-client.js';

const contact = (externalId: string, properties: Record<string, unknown> = {}) => ({
  externalId,
  properties: { email: `${externalId}@example.org`, ...properties },
});

describe('Mail+ emulator on the wire', () => {
  let emulator: MailplusEmulator;
  let raw: ReturnType<typeof rawClient>;
  before(async () => {
    emulator = await startMailplusEmulator({ randomSeed: 3, updatesLagMs: 0 });
    raw = rawClient(emulator);
  });
  after(async () => {
    await raw.close();
    await emulator.close();
  });

  it('answers a write with 204, no body and no content type', async () => {
    const res = await raw.request('POST', '/contact', { body: { update: true, contact: contact('w-1') } });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal(res.headers.get('content-type'), null);
  });

  it('accepts one trailing slash on an API path, with the signature over the URL as sent', async () => {
    const write = await raw.request('POST', '/contact/', {
      body: { update: true, contact: contact('w-slash') },
    });
    assert.equal(write.status, 204, write.text);
    assert.equal((await raw.request('GET', '/contact/w-slash/')).status, 200);
    assert.equal(
      (await raw.request('GET', '/contact/w-slash/', { basePath: '/integrationservice' })).status,
      200,
    );
    assert.equal((await raw.request('GET', '/contact/w-slash//')).status, 404, 'one slash, not any number');
    const forged = await raw.request('GET', '/contact/w-slash/', { signedPath: '/contact/w-slash' });
    assert.equal(forged.status, 401, 'signed for another URL than the one sent');
  });

  it('serves the same API on the unversioned base path', async () => {
    const res = await raw.request('GET', '/contact/w-1', { basePath: '/integrationservice' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = res.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), [
      'channels',
      'created',
      'encryptedId',
      'externalId',
      'lastChanged',
      'properties',
      'temporary',
      'testGroup',
    ]);
    assert.deepEqual(body.properties, { email: 'w-1@example.org' });
    assert.equal(typeof body.created, 'number');
  });

  it('refuses update:false for an existing contact with CONTACT_ALREADY_EXISTS', async () => {
    const res = await raw.request('POST', '/contact', { body: { contact: contact('w-1') } });
    assert.equal(res.status, 400);
    assert.equal((res.json as { errorType: string }).errorType, 'CONTACT_ALREADY_EXISTS');
  });

  it('answers an unknown contact with 404 "Given contact not found"', async () => {
    for (const [method, path, body] of [
      ['GET', '/contact/none', undefined],
      ['PUT', '/contact/none', { contact: contact('none') }],
      ['PUT', '/contact/anonymize/none', undefined],
    ] as const) {
      const res = await raw.request(method, path, { body });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(res.json, { errorType: 'CONTACT_NOT_FOUND', message: 'Given contact not found' });
    }
  });

  it('rejects invalid e-mail addresses and unknown properties with INVALID_PROPERTY', async () => {
    const bad = await raw.request('POST', '/contact', {
      body: { contact: contact('w-2', { email: 'a@b' }) },
    });
    assert.deepEqual(
      [bad.status, bad.json],
      [400, { errorType: 'INVALID_PROPERTY', message: 'Email is invalid' }],
    );
    const unknown = await raw.request('POST', '/contact', { body: { contact: contact('w-2', { nope: 1 }) } });
    assert.equal(unknown.status, 400);
    assert.match((unknown.json as { message: string }).message, /^Property is invalid/);
  });

  it('refuses more than 100 contacts in one bulk call, and a contact without externalId', async () => {
    const many = Array.from({ length: 101 }, (_, i) => contact(`m-${i}`));
    const tooMany = await raw.request('POST', '/contact/list', { body: { update: true, contacts: many } });
    assert.deepEqual(tooMany.json, {
      errorType: 'INVALID_PARAMS',
      message: 'Too many contacts provided (max is 100)',
    });
    const anonymous = await raw.request('POST', '/contact/list', {
      body: { contacts: [contact('m-ok'), { properties: { email: 'x@example.org' } }] },
    });
    assert.deepEqual(anonymous.json, {
      errorType: 'INVALID_PARAMS',
      message: 'Contact without externalId found',
    });
    assert.equal(emulator.admin.contact('m-ok'), undefined, 'nothing is written when the call is refused');
  });

  it('answers a bulk call with 200 and one code per contact', async () => {
    const res = await raw.request('POST', '/contact/list', {
      body: {
        update: false,
        contacts: [contact('w-1'), contact('l-new'), contact('l-bad', { gender: 'Q' })],
      },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, [
      { externalId: 'w-1', code: 'CONTACT_ALREADY_EXISTS', message: 'Contact already exists' },
      { externalId: 'l-new', code: 'OK' },
      { externalId: 'l-bad', code: 'PROPERTY_INVALID', message: 'Property is invalid (gender)' },
    ]);
  });

  it('pages the updates feed with paging.after and paging.next', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 1000).toISOString();
    const query = `fromDate=${encodeURIComponent(from)}&toDate=${encodeURIComponent(to)}&pageSize=1`;
    const first = await raw.request('GET', `/contact/updates/list?${query}`);
    const body = first.json as {
      paging: { after: number; next: string };
      contacts: Array<{ externalId: string }>;
    };
    assert.equal(body.contacts.length, 1);
    assert.equal(typeof body.paging.after, 'number');
    assert.equal(new URL(body.paging.next).searchParams.get('after'), String(body.paging.after));
    const last = await raw.request(
      'GET',
      `/contact/updates/list?${query.replace('pageSize=1', 'pageSize=1000')}`,
    );
    assert.deepEqual((last.json as { paging: unknown }).paging, {});
  });

  it('requires valid fromDate, toDate and pageSize', async () => {
    const now = encodeURIComponent(new Date().toISOString());
    const cases: Array<[string, string]> = [
      [`toDate=${now}&pageSize=10`, 'Invalid fromDate or no fromDate given'],
      [`fromDate=yesterday&toDate=${now}&pageSize=10`, 'Invalid fromDate or no fromDate given'],
      [`fromDate=${now}&pageSize=10`, 'Invalid toDate or no toDate given'],
    ];
    for (const [query, message] of cases) {
      const res = await raw.request('GET', `/contact/updates/list?${query}`);
      assert.deepEqual([res.status, res.json], [400, { errorType: 'INVALID_PARAMS', message }], query);
    }
    const noPageSize = await raw.request('GET', `/contact/updates/list?fromDate=${now}&toDate=${now}`);
    assert.equal(noPageSize.status, 400);
  });

  it('speaks XML errors to a client that asks for XML', async () => {
    const res = await raw.request('GET', '/contact/none', { accept: 'application/xml' });
    assert.equal(res.headers.get('content-type'), 'application/xml');
    assert.match(
      res.text,
      /<errorType>CONTACT_NOT_FOUND<\/errorType><message>Given contact not found<\/message>/,
    );
  });
});
