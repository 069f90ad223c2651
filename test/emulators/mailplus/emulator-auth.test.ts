import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { MailplusClient } from '../../../src/connectors/mailplus/mailplus-client.js';
import { signRequest } from '../../../src/connectors/mailplus/oauth1.js';
import {
  type MailplusEmulator,
  runMailplusEmulatorCli,
  startMailplusEmulator,
} from '../../../src/emulators/mailplus/index.js';
import { rawClient } from './raw-client.js';

const now = () => Math.floor(Date.now() / 1000);

describe('Mail+ emulator: OAuth 1.0a verification and faults', () => {
  let emulator: MailplusEmulator;
  let raw: ReturnType<typeof rawClient>;
  before(async () => {
    emulator = await startMailplusEmulator({ consumerKey: 'fixed-key', consumerSecret: 'fixed-secret' });
    raw = rawClient(emulator);
  });
  after(async () => {
    await raw.close();
    await emulator.close();
  });

  const isRefusal = (res: { status: number; json: unknown }) =>
    res.status === 401 && (res.json as { errorType?: string }).errorType === 'NOT_AUTHORIZED';

  it('accepts the fixed credentials it was given', async () => {
    assert.equal(emulator.consumerKey, 'fixed-key');
    assert.equal((await raw.request('GET', '/contact/properties/list')).status, 200);
  });

  it('refuses a missing header, a wrong secret and a token (it is two-legged)', async () => {
    assert.ok(isRefusal(await raw.request('GET', '/contact/properties/list', { authorization: null })));
    assert.ok(isRefusal(await raw.request('GET', '/contact/properties/list', { sign: { secret: 'guess' } })));
    assert.ok(isRefusal(await raw.request('GET', '/contact/properties/list', { sign: { token: 'abc' } })));
  });

  it('refuses timestamps more than five minutes off, either way', async () => {
    // Far beyond the five minutes, so a slow machine cannot bring the request back inside the window.
    for (const timestamp of [now() - 3600, now() + 3600]) {
      const res = await raw.request('GET', '/contact/properties/list', { sign: { timestamp } });
      assert.ok(isRefusal(res));
      assert.match((res.json as { message: string }).message, /Timestamp/);
    }
  });

  it('refuses a reused nonce', async () => {
    const sign = { nonce: 'once-only', timestamp: now() };
    assert.equal((await raw.request('GET', '/contact/properties/list', { sign })).status, 200);
    const replay = await raw.request('GET', '/contact/properties/list', { sign });
    assert.ok(isRefusal(replay));
    assert.match((replay.json as { message: string }).message, /Nonce/);
  });

  it('verifies the query string: a changed query breaks the signature', async () => {
    const signedFor = new URL('/integrationservice-1.1.0/contact/updates/list?pageSize=1', emulator.baseUrl);
    const { authorization } = signRequest({
      method: 'GET',
      url: signedFor,
      consumerKey: 'fixed-key',
      consumerSecret: 'fixed-secret',
      timestamp: now(),
      nonce: 'tamper-1',
    });
    const res = await raw.request('GET', '/contact/updates/list?pageSize=2', { authorization });
    assert.ok(isRefusal(res));
  });

  it('injects faults on API requests: 500s, and 429 with Retry-After', async () => {
    emulator.admin.setFaults({ serverError: 1 });
    const failed = await raw.request('GET', '/contact/properties/list');
    assert.deepEqual(
      [failed.status, (failed.json as { errorType: string }).errorType],
      [500, 'BACKEND_EXCEPTION'],
    );
    emulator.admin.setFaults({ rateLimited: 1, retryAfterSeconds: 7 });
    const limited = await raw.request('GET', '/contact/properties/list');
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '7']);
    emulator.admin.setFaults({});
    assert.equal((await raw.request('GET', '/contact/properties/list')).status, 200);
  });
});

describe('Mail+ emulator: admin endpoint, plain http, CLI', () => {
  it('drives the emulator over /_emulator with the consumer secret only', async () => {
    const emulator = await startMailplusEmulator({ randomSeed: 11 });
    const dispatcher = new Agent({ connect: { ca: emulator.caCertificate } });
    const admin = (method: string, path: string, secret: string, body?: unknown) =>
      fetch(`${emulator.baseUrl}/_emulator${path}`, {
        method,
        dispatcher,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      assert.equal((await admin('POST', '/seed', 'wrong', { count: 2 })).status, 401);
      const seeded = (await (await admin('POST', '/seed', emulator.consumerSecret, { count: 3 })).json()) as {
        externalIds: string[];
      };
      assert.equal(seeded.externalIds.length, 3);
      const id = seeded.externalIds[0]!;
      assert.equal((await admin('POST', `/contacts/${id}/opt-out`, emulator.consumerSecret)).status, 204);
      const contact = (await (await admin('GET', `/contacts/${id}`, emulator.consumerSecret)).json()) as {
        channels: Array<{ name: string; value: boolean }>;
      };
      assert.deepEqual(contact.channels[0], { name: 'EMAIL', value: false });
      const listed = (await (await admin('GET', '/contacts', emulator.consumerSecret)).json()) as unknown[];
      assert.equal(listed.length, 3);
      assert.equal(emulator.admin.requestCounts().total, 0, 'admin calls are not API requests');
    } finally {
      await dispatcher.close();
      await emulator.close();
    }
  });

  it('serves plain http on loopback only, for a client that explicitly allows it', async () => {
    await assert.rejects(startMailplusEmulator({ tls: false, host: '0.0.0.0' }), /only allowed on loopback/);
    const emulator = await startMailplusEmulator({ tls: false, seedContacts: 2 });
    const client = new MailplusClient({
      baseUrl: emulator.baseUrl,
      consumerKey: emulator.consumerKey,
      consumerSecret: emulator.consumerSecret,
      allowInsecureLoopback: true,
    });
    try {
      assert.match(emulator.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emulator.caCertificate, undefined);
      assert.ok((await client.listProperties()).length > 0);
    } finally {
      await client.close();
      await emulator.close();
    }
  });

  it('the CLI entry prints where to connect and writes the CA certificate', async () => {
    const lines: string[] = [];
    const emulator = await runMailplusEmulatorCli({
      key: 'k1',
      secret: 's1',
      seed: 5,
      print: (l) => lines.push(l),
    });
    const caLine = lines.find((l) => l.includes('CA certificate:'))!;
    const caFile = caLine.split('CA certificate:')[1]!.trim();
    try {
      assert.match(lines[0]!, /^Mail\+ emulator listening on https:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(lines.some((l) => l.endsWith('consumer key:    k1')));
      assert.ok(lines.some((l) => l.endsWith('consumer secret: s1')));
      assert.equal(await readFile(caFile, 'utf8'), emulator.caCertificate);
      assert.equal(emulator.admin.contacts().length, 5);
    } finally {
      await emulator.close();
      await rm(caFile, { force: true });
    }
  });
});
