import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorOf, startRawApi } from './helpers.js';

const CRLF = '\r\n';
const part = (request: string, extra: string[] = []) =>
  ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', ...extra, '', request].join(CRLF);
const batchBody = (parts: string[]) =>
  `${parts.map((p) => `--batch_X${CRLF}${p}${CRLF}`).join('')}--batch_X--${CRLF}`;
const patch = (path: string, body: string, contentId?: string) =>
  part(
    `PATCH ${path.startsWith('$') ? path : `/api/data/v9.2/${path}`} HTTP/1.1${CRLF}Content-Type: application/json${CRLF}${CRLF}${body}`,
    contentId ? [`Content-ID: ${contentId}`] : [],
  );
const changeSet = (parts: string[]) =>
  `Content-Type: multipart/mixed; boundary=changeset_Y${CRLF}${CRLF}${parts.map((p) => `--changeset_Y${CRLF}${p}${CRLF}`).join('')}--changeset_Y--`;
const ID = (n: number) => `6e1f8a2b-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('$batch: responses in order, a failed change set rolls back as one error part, continue-on-error goes on', async () => {
  const api = await startRawApi();
  try {
    const body = batchBody([
      patch(`contacts(${ID(1)})`, '{"lastname":"Een"}'),
      changeSet([
        patch(`contacts(${ID(2)})`, '{"lastname":"Twee"}', '1'),
        patch(`contacts(${ID(3)})`, `{"lastname":"${'L'.repeat(51)}"}`, '2'),
      ]),
      patch(`contacts(${ID(4)})`, '{"lastname":"Vier"}'),
    ]);
    const headers = {
      'Content-Type': 'multipart/mixed; boundary=batch_X',
      Prefer: 'odata.continue-on-error',
    };
    const reply = await api.call('POST', '$batch', { body, headers });
    assert.equal(reply.status, 200);
    const boundary = /^multipart\/mixed; boundary=(batchresponse_[0-9a-f-]{36})$/.exec(
      reply.headers.get('content-type') ?? '',
    )?.[1];
    assert.ok(boundary);
    const statuses = [...reply.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [204, 400, 204]);
    assert.match(
      reply.text,
      /OData-EntityId: https:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/contacts\(6e1f8a2b-0000-4000-8000-000000000001\)/,
    );
    assert.match(reply.text, /"code":"0x80044331"/);
    assert.ok(reply.text.endsWith(`--${boundary}--${CRLF}`));
    assert.equal(api.emulator.admin.getContact(ID(2)), undefined, 'rolled back');
    assert.ok(api.emulator.admin.getContact(ID(4)));
  } finally {
    await api.close();
  }
});

test('$batch without continue-on-error stops at the first failure and takes its status', async () => {
  const api = await startRawApi();
  try {
    const body = batchBody([
      patch(`contacts(${ID(5)})`, '{"shoesize":1}'),
      patch(`contacts(${ID(6)})`, '{"lastname":"Zes"}'),
    ]);
    const reply = await api.call('POST', '$batch', {
      body,
      headers: { 'Content-Type': 'multipart/mixed; boundary=batch_X' },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(
      [...reply.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]),
      ['400'],
    );
    assert.equal(api.emulator.admin.getContact(ID(6)), undefined);
  } finally {
    await api.close();
  }
});

test('$batch: Content-ID references, GET refused inside a change set, more than 1000 requests refused', async () => {
  const api = await startRawApi();
  try {
    const headers = { 'Content-Type': 'multipart/mixed; boundary=batch_X' };
    const ref = batchBody([
      changeSet([
        patch(`contacts(${ID(7)})`, '{"lastname":"Zeven"}', '1'),
        patch('$1', '{"firstname":"Anna"}', '2'),
      ]),
    ]);
    assert.equal((await api.call('POST', '$batch', { body: ref, headers })).status, 200);
    assert.equal(api.emulator.admin.getContact(ID(7))?.firstname, 'Anna');
    const withGet = batchBody([
      changeSet([part(`GET /api/data/v9.2/contacts HTTP/1.1${CRLF}`, ['Content-ID: 1'])]),
    ]);
    assert.equal((await api.call('POST', '$batch', { body: withGet, headers })).status, 400);
    const tooMany = batchBody(
      Array.from({ length: 1001 }, (_, i) => patch(`contacts(${ID(100 + i)})`, '{}')),
    );
    const refused = await api.call('POST', '$batch', { body: tooMany, headers });
    assert.deepEqual(
      [refused.status, errorOf(refused).message],
      [400, 'The number of requests in a batch exceeded the limit of 1000.'],
    );
  } finally {
    await api.close();
  }
});

test('service protection: the request limit answers 429 with Retry-After and the documented code and message', async () => {
  const api = await startRawApi({ limits: { requestsPerWindow: 2, windowMs: 300_000 } });
  try {
    assert.equal((await api.call('GET', 'contacts')).status, 200);
    assert.equal((await api.call('GET', 'contacts')).status, 200);
    const refused = await api.call('GET', 'contacts');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '300');
    assert.deepEqual(errorOf(refused), {
      code: '0x80072322',
      message: 'Number of requests exceeded the limit of 2 over time window of 300 seconds.',
    });
    const again = await api.call('GET', 'contacts');
    assert.equal(again.headers.get('retry-after'), '301', 'sending while throttled lengthens the wait');
  } finally {
    await api.close();
  }
});

test('service protection: concurrent requests over the limit are refused at once', async () => {
  const api = await startRawApi({ limits: { maxConcurrent: 2 }, latencyMs: 200 });
  try {
    const replies = await Promise.all([1, 2, 3].map(() => api.call('GET', 'contacts')));
    const refused = replies.filter((r) => r.status === 429);
    assert.equal(refused.length, 1);
    assert.deepEqual(errorOf(refused[0]!), {
      code: '0x80072326',
      message: 'Number of concurrent requests exceeded the limit of 2.',
    });
  } finally {
    await api.close();
  }
});

test('fault injection answers Web API requests with the drawn fault', async () => {
  const api = await startRawApi({ faults: { serverError: 1 } });
  try {
    const reply = await api.call('GET', 'contacts');
    assert.deepEqual([reply.status, errorOf(reply).code], [500, '0x80040216']);
    api.emulator.admin.setFaults({ rateLimited: 1, retryAfterSeconds: 2 });
    const limited = await api.call('GET', 'contacts');
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '2']);
    assert.equal(api.emulator.admin.requestCounts().faultsInjected, 2);
  } finally {
    await api.close();
  }
});

test('the token endpoint answers like Entra ID: tokens for the right secret, AADSTS errors otherwise', async () => {
  const api = await startRawApi();
  try {
    const path = new URL(api.emulator.tokenUrl).pathname;
    const origin = new URL(api.emulator.baseUrl).origin;
    const ask = (fields: Record<string, string>) =>
      api.raw('POST', path, {
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: api.emulator.clientId,
          client_secret: api.emulator.clientSecret,
          scope: `${origin}/.default`,
          ...fields,
        }).toString(),
      });
    const ok = (await ask({})).json();
    assert.deepEqual([ok.token_type, ok.expires_in, typeof ok.access_token], ['Bearer', 3599, 'string']);
    const wrong = await ask({ client_secret: 'wrong' });
    assert.equal(wrong.status, 401);
    const body = wrong.json() as Record<string, unknown>;
    assert.equal(body.error, 'invalid_client');
    assert.deepEqual(body.error_codes, [7000215]);
    assert.match(
      String(body.error_description),
      /^AADSTS7000215: Invalid client secret provided\. .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/s,
    );
    assert.deepEqual(
      [(await ask({ client_id: 'other' })).status, (await ask({ client_id: 'other' })).json().error],
      [400, 'unauthorized_client'],
    );
    assert.equal((await ask({ scope: `${origin}/user_impersonation` })).json().error, 'invalid_scope');
    assert.equal(
      (await ask({ scope: 'https://other.crm4.dynamics.com/.default' })).json().error,
      'invalid_resource',
    );
    const discovery = (
      await api.raw('GET', `/${api.emulator.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json();
    assert.equal(discovery.token_endpoint, api.emulator.tokenUrl);
  } finally {
    await api.close();
  }
});

test('the admin endpoint needs the client secret, and then seeds and reports', async () => {
  const api = await startRawApi();
  try {
    assert.equal((await api.raw('POST', '/_emulator/seed', { body: '{"count":3}' })).status, 401);
    const headers = { 'x-emulator-key': api.emulator.clientSecret };
    assert.deepEqual((await api.raw('POST', '/_emulator/seed', { body: '{"count":3}', headers })).json(), {
      created: 3,
    });
    const contacts = (await api.raw('GET', '/_emulator/contacts', { headers })).json().value as Array<
      Record<string, unknown>
    >;
    assert.equal(contacts.length, 3);
    assert.match(String(contacts[0]!.emailaddress1), /@example\.(com|net|org)$/);
    assert.equal((await api.raw('GET', '/_emulator/stats', { headers })).json().total, 0);
  } finally {
    await api.close();
  }
});
