import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, seededRandom } from '../../../src/clock.js';
import { hmacSha1Signature, signatureBaseString } from '../../../src/connectors/mailplus/oauth1.js';
import type { RecordedRequest } from '../../../src/emulators/mailplus/index.js';
import { type Pair, startPair } from './fixtures.js';

const T = Date.UTC(2026, 2, 1, 9, 0, 0);
const BASE = '/integrationservice-1.1.0';

describe('what the client puts on the wire', () => {
  let pair: Pair;
  const clock = new ManualClock(T);
  const nonces = seededRandom(99);
  before(async () => {
    pair = await startPair({ clock, client: { random: seededRandom(99) } });
    await pair.client.upsertContact({ externalId: 'x', properties: { email: 'x@example.com' } });
    pair.emulator.admin.resetRequests();
  });
  after(() => pair.close());

  async function only(call: () => Promise<unknown>): Promise<RecordedRequest> {
    pair.emulator.admin.resetRequests();
    clock.advance(1000);
    await call();
    const log = pair.emulator.admin.requestLog();
    assert.equal(log.length, 1);
    return log[0]!;
  }

  function assertSigned(request: RecordedRequest): void {
    const { oauth } = request;
    assert.ok(oauth);
    assert.deepEqual(Object.keys(oauth).sort(), [
      'oauth_consumer_key',
      'oauth_nonce',
      'oauth_signature',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_version',
    ]);
    assert.equal(oauth.oauth_consumer_key, pair.emulator.consumerKey);
    assert.equal(oauth.oauth_signature_method, 'HMAC-SHA1');
    assert.equal(oauth.oauth_version, '1.0');
    assert.equal(oauth.oauth_timestamp, String(Math.floor(clock.now() / 1000)));
    assert.match(oauth.oauth_nonce!, /^[0-9a-f]{32}$/);
    // Recompute from what arrived: query in, JSON body out, secret&'' as key.
    const url = new URL(request.path, pair.emulator.baseUrl);
    for (const [name, value] of request.query) url.searchParams.append(name, value);
    const oauthParameters = Object.entries(oauth).filter(([name]) => name !== 'oauth_signature');
    const base = signatureBaseString({ method: request.method, url, oauthParameters });
    assert.equal(oauth.oauth_signature, hmacSha1Signature(base, pair.emulator.consumerSecret));
  }

  it('draws each nonce from the injected random source', async () => {
    nonces.bytes(16); // the nonce of the request made in before()
    const request = await only(() => pair.client.listProperties());
    assert.equal(request.oauth?.oauth_nonce, nonces.bytes(16).toString('hex'));
  });

  it('GET /contact/properties/list: no query, no body, JSON accepted', async () => {
    const request = await only(() => pair.client.listProperties());
    assert.deepEqual(
      [request.method, request.path, request.query, request.body],
      ['GET', `${BASE}/contact/properties/list`, [], ''],
    );
    assert.equal(request.accept, 'application/json');
    assert.equal(request.contentType, undefined);
    assertSigned(request);
  });

  it('POST /contact: an upsert with update:true, purge:false', async () => {
    const request = await only(() =>
      pair.client.upsertContact({
        externalId: 'x',
        properties: { email: 'x@example.com', infix: 'van der' },
      }),
    );
    assert.deepEqual(
      [request.method, request.path, request.contentType],
      ['POST', `${BASE}/contact`, 'application/json'],
    );
    assert.equal(
      request.body,
      '{"update":true,"purge":false,"contact":{"externalId":"x","properties":{"email":"x@example.com","infix":"van der"}}}',
    );
    assertSigned(request);
  });

  it('POST /contact/list: the contacts array with the same flags', async () => {
    const request = await only(() =>
      pair.client.upsertContacts([
        { externalId: 'y', properties: { permissions: [{ bit: 1, enabled: false }] } },
      ]),
    );
    assert.equal(request.path, `${BASE}/contact/list`);
    assert.equal(
      request.body,
      '{"update":true,"purge":false,"contacts":[{"externalId":"y","properties":{"permissions":[{"bit":1,"enabled":false}]}}]}',
    );
    assertSigned(request);
  });

  it('GET and PUT /contact/{externalId}: the id is percent-encoded and still signs correctly', async () => {
    const get = await only(() => pair.client.getContact('a b/ç'));
    assert.deepEqual([get.method, get.path], ['GET', `${BASE}/contact/a%20b%2F%C3%A7`]);
    assertSigned(get);
    const put = await only(() =>
      pair.client.updateContact({ externalId: 'x', properties: { city: 'Delft' } }),
    );
    assert.deepEqual([put.method, put.path], ['PUT', `${BASE}/contact/x`]);
    assert.equal(
      put.body,
      '{"update":true,"purge":false,"contact":{"externalId":"x","properties":{"city":"Delft"}}}',
    );
  });

  it('PUT /contact/anonymize/{externalId}: no body, no content type', async () => {
    const request = await only(() => pair.client.anonymizeContact('x'));
    assert.deepEqual(
      [request.method, request.path, request.body, request.contentType, request.status],
      ['PUT', `${BASE}/contact/anonymize/x`, '', undefined, 204],
    );
    assertSigned(request);
  });

  it('GET /contact/updates/list: ISO 8601 dates, pageSize, and after only when paging', async () => {
    const first = await only(() => pair.client.updatesPage({ fromMs: T - 3_600_000, toMs: T, pageSize: 50 }));
    assert.deepEqual(first.query, [
      ['fromDate', '2026-03-01T08:00:00.000Z'],
      ['toDate', '2026-03-01T09:00:00.000Z'],
      ['pageSize', '50'],
    ]);
    assertSigned(first);
    const next = await only(() =>
      pair.client.updatesPage({ fromMs: T - 3_600_000, toMs: T, pageSize: 50, after: 7 }),
    );
    assert.deepEqual(next.query.at(-1), ['after', '7']);
    assertSigned(next);
  });
});
