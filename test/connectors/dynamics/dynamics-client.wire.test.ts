import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RequestInit, fetch as undiciFetch } from 'undici';
import { DynamicsClient, OrgThrottleRegistry } from '../../../src/connectors/dynamics/index.js';
import { type DataverseEmulator, startDataverseEmulator } from '../../../src/emulators/dataverse/index.js';
import { ConfigError } from '../../../src/errors.js';
import { collect, pagesOf } from './helpers.js';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

describe('the requests the client puts on the wire', () => {
  let emulator: DataverseEmulator;
  let client: DynamicsClient;
  const sent: Sent[] = [];
  const apiCalls = () => sent.filter((s) => s.url.includes('/api/data/'));
  const last = () => apiCalls().at(-1)!;

  before(async () => {
    emulator = await startDataverseEmulator({ randomSeed: 11, seedContacts: 3 });
    client = DynamicsClient.create({
      baseUrl: emulator.baseUrl,
      authority: emulator.authority,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      caCertificate: emulator.caCertificate,
      throttles: new OrgThrottleRegistry(),
      fetch: (url, init: RequestInit) => {
        const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
        sent.push({ method: init.method ?? 'GET', url, headers, body: init.body as string | undefined });
        return undiciFetch(url, init);
      },
    });
  });
  after(async () => {
    await client.close();
    await emulator.close();
  });

  test('the token request is a client-credentials POST for <org>/.default', () => {
    return collect(client.contacts({ select: ['lastname'] })).then(() => {
      const token = sent.find((s) => s.url.includes('/oauth2/v2.0/token'))!;
      const form = new URLSearchParams(token.body);
      assert.equal(token.method, 'POST');
      assert.equal(form.get('grant_type'), 'client_credentials');
      assert.equal(form.get('client_id'), emulator.clientId);
      assert.equal(form.get('scope'), `${new URL(emulator.baseUrl).origin}/.default`);
    });
  });

  test('a page read: GET with $select, standard OData headers, maxpagesize and a bearer token', async () => {
    await collect(client.contacts({ select: ['firstname', 'emailaddress1'], pageSize: 2 }));
    const [first, second] = apiCalls().slice(-2);
    assert.equal(first!.method, 'GET');
    assert.equal(first!.url, `${emulator.baseUrl}contacts?$select=contactid,firstname,emailaddress1`);
    const { Authorization, ...headers } = first!.headers;
    assert.deepEqual(headers, {
      Accept: 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      Prefer: 'odata.maxpagesize=2',
    });
    assert.match(Authorization ?? '', /^Bearer \S+$/);
    assert.match(second!.url, /&\$skiptoken=%3Ccookie%20pagenumber%3D%222%22/);
    assert.equal(second!.headers.Prefer, 'odata.maxpagesize=2', 'the same page size on every page');
  });

  test('a filter is percent-encoded into $filter', async () => {
    await collect(client.contacts({ select: ['lastname'], filter: "emailaddress1 eq 'a+b@example.com'" }));
    assert.equal(
      last().url,
      `${emulator.baseUrl}contacts?$select=contactid,lastname&$filter=emailaddress1%20eq%20'a%2Bb%40example.com'`,
    );
  });

  test('change tracking asks for odata.track-changes and follows the delta link exactly as given', async () => {
    const [page] = await pagesOf(client.changes({ select: ['lastname'], pageSize: 10 }));
    assert.equal(last().headers.Prefer, 'odata.track-changes,odata.maxpagesize=10');
    await pagesOf(client.changes({ select: ['lastname'], deltaLink: page!.deltaLink }));
    assert.equal(last().url, page!.deltaLink);
  });

  test('writes: PATCH contacts(<id>) with a JSON body and the condition headers of each mode', async () => {
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    await client.upsertContact(id, { lastname: 'de Vries' }, { mode: 'create' });
    assert.deepEqual(
      [
        last().method,
        last().url,
        last().body,
        last().headers['Content-Type'],
        last().headers['If-None-Match'],
      ],
      [
        'PATCH',
        `${emulator.baseUrl}contacts(${id})`,
        '{"lastname":"de Vries"}',
        'application/json; charset=utf-8',
        '*',
      ],
    );
    await client.upsertContact(id, { firstname: 'Eva' }, { mode: 'update' });
    assert.equal(last().headers['If-Match'], '*');
    await client.upsertContact(id, { firstname: 'Eva' });
    assert.equal(
      last().headers['If-Match'] ?? last().headers['If-None-Match'],
      undefined,
      'a plain upsert is unconditional',
    );
    await client.deleteContact(id);
    assert.deepEqual(
      [last().method, last().url, last().body],
      ['DELETE', `${emulator.baseUrl}contacts(${id})`, undefined],
    );
  });

  test('$batch: multipart/mixed with CRLF lines, change sets with Content-IDs, continue-on-error', async () => {
    const [a, b] = ['0a', '0b'].map((n) => `3f2504e0-4f89-41d3-9a0c-0305e82c33${n}`);
    await client.batch([
      { kind: 'upsert', id: a!, fields: { lastname: 'A' } },
      { changeSet: [{ kind: 'delete', id: b! }] },
    ]);
    const call = last();
    const boundary = /^multipart\/mixed; boundary=(batch_[0-9a-f-]{36})$/.exec(
      call.headers['Content-Type'] ?? '',
    )?.[1];
    assert.ok(boundary);
    assert.equal(call.headers.Prefer, 'odata.continue-on-error');
    const body = call.body!;
    assert.ok(!/[^\r]\n/.test(body), 'every line ends in CRLF');
    const changeset = /boundary=(changeset_[0-9a-f-]{36})/.exec(body)![1];
    assert.equal(
      body,
      [
        `--${boundary}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        `PATCH ${emulator.baseUrl}contacts(${a}) HTTP/1.1`,
        'Content-Type: application/json; charset=utf-8',
        '',
        '{"lastname":"A"}',
        `--${boundary}`,
        `Content-Type: multipart/mixed; boundary=${changeset}`,
        '',
        `--${changeset}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        'Content-ID: 2',
        '',
        `DELETE ${emulator.baseUrl}contacts(${b}) HTTP/1.1`,
        '',
        '',
        `--${changeset}--`,
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
  });
});

describe('connection options', () => {
  const base = {
    authority: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001',
    clientId: 'app',
    clientSecret: 'secret',
    throttles: new OrgThrottleRegistry(),
  };
  const issuesOf = (overrides: Record<string, unknown>) => {
    try {
      DynamicsClient.create({
        ...base,
        baseUrl: 'https://contoso.crm4.dynamics.com/api/data/v9.2/',
        ...overrides,
      });
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.issues;
    }
  };

  test('accepts an https organisation URL and derives the scope from it', () => {
    const client = DynamicsClient.create({
      ...base,
      baseUrl: 'https://contoso.crm4.dynamics.com/api/data/v9.2',
    });
    assert.equal(client.connection.baseUrl, 'https://contoso.crm4.dynamics.com/api/data/v9.2/');
    assert.equal(client.connection.scope, 'https://contoso.crm4.dynamics.com/.default');
    assert.equal(client.connection.maxConcurrency, 4);
  });

  test('refuses plain http, except loopback with allowInsecureLoopback, and says so', () => {
    assert.match(
      issuesOf({ baseUrl: 'http://contoso.crm4.dynamics.com/api/data/v9.2/' })[0]!,
      /must use https/,
    );
    assert.match(
      issuesOf({ baseUrl: 'http://127.0.0.1:8080/api/data/v9.2/' })[0]!,
      /only for a loopback host.*allowInsecureLoopback/,
    );
    for (const host of ['127.0.0.1:8080', '127.5.0.1', 'localhost:1', '[::1]:8080']) {
      assert.deepEqual(
        issuesOf({ baseUrl: `http://${host}/api/data/v9.2/`, allowInsecureLoopback: true }),
        [],
      );
    }
    assert.match(
      issuesOf({ baseUrl: 'http://10.0.0.1/api/data/v9.2/', allowInsecureLoopback: true })[0]!,
      /must use https/,
    );
  });

  test('concurrency must be 1 to 52; page size 1 to 5000; the base URL must be the Web API root', () => {
    assert.match(issuesOf({ maxConcurrency: 53 })[0]!, /maxConcurrency must be an integer from 1 to 52/);
    assert.match(issuesOf({ maxConcurrency: 0 })[0]!, /maxConcurrency/);
    assert.match(issuesOf({ pageSize: 5001 })[0]!, /pageSize must be an integer from 1 to 5000/);
    assert.match(
      issuesOf({ baseUrl: 'https://contoso.crm4.dynamics.com/' })[0]!,
      /must end in \/api\/data\/v9/,
    );
  });
});
