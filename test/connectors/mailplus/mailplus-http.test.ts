import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { MailplusClient } from '../../../src/connectors/mailplus/mailplus-client.js';
import { errorForResponse, scrub } from '../../../src/connectors/mailplus/mailplus-errors.js';
import { ConfigError, PermanentError, RateLimitedError, RetryableError } from '../../../src/errors.js';
import { type Pair, person, startPair } from './fixtures.js';

const credentials = { consumerKey: 'k', consumerSecret: 's' };

describe('base URL policy', () => {
  it('accepts https and the real default', () => {
    assert.doesNotThrow(() => new MailplusClient(credentials));
    assert.doesNotThrow(() => new MailplusClient({ ...credentials, baseUrl: 'https://example.test' }));
  });

  it('refuses plain http to a remote host, even with allowInsecureLoopback', () => {
    assert.throws(
      () =>
        new MailplusClient({
          ...credentials,
          baseUrl: 'http://restapi.example.test',
          allowInsecureLoopback: true,
        }),
      (error: unknown) =>
        error instanceof ConfigError && /only https:\/\/ is allowed, except for loopback/.test(error.message),
    );
  });

  it('refuses plain http on loopback unless allowInsecureLoopback is set, and says so', () => {
    for (const baseUrl of [
      'http://127.0.0.1:1',
      'http://localhost:1',
      'http://[::1]:1',
      'http://127.9.8.7:1',
    ]) {
      assert.throws(() => new MailplusClient({ ...credentials, baseUrl }), /set allowInsecureLoopback/);
      assert.doesNotThrow(() => new MailplusClient({ ...credentials, baseUrl, allowInsecureLoopback: true }));
    }
  });

  it('refuses other schemes and garbage', () => {
    assert.throws(() => new MailplusClient({ ...credentials, baseUrl: 'ftp://127.0.0.1' }), ConfigError);
    assert.throws(() => new MailplusClient({ ...credentials, baseUrl: 'not a url' }), ConfigError);
  });
});

describe('error classification', () => {
  const classify = (status: number, errorType = 'X') =>
    errorForResponse({ operation: 'op', status, body: { errorType, message: 'm' }, retryAfterMs: 1500 });

  it('does not retry 400, 401, 403 and 404', () => {
    for (const status of [400, 401, 403, 404])
      assert.ok(classify(status) instanceof PermanentError, String(status));
  });

  it('retries 5xx and rate limits, keeping Retry-After', () => {
    assert.ok(classify(500) instanceof RetryableError && !(classify(500) instanceof PermanentError));
    const limited = classify(429);
    assert.ok(limited instanceof RateLimitedError);
    assert.equal((limited as RateLimitedError).retryAfterMs, 1500);
  });

  it('keeps the service code and status, and never an e-mail address', () => {
    const error = errorForResponse({
      operation: 'POST /contact',
      status: 400,
      body: { errorType: 'INVALID_PROPERTY', message: 'Email jan.jansen@example.com is invalid' },
    });
    assert.deepEqual(error.detail, { service: 'mailplus', status: 400, code: 'INVALID_PROPERTY' });
    assert.doesNotMatch(error.message, /jan\.jansen/);
    assert.equal(scrub('a x@y.nl b'), 'a [redacted] b');
  });
});

describe('retries against the emulator', () => {
  let pair: Pair;
  before(async () => {
    pair = await startPair({ client: { retry: { maxAttempts: 4, baseDelayMs: 100 } } });
  });
  after(() => pair.close());

  it('retries 500/503 with growing jittered backoff and then succeeds', async () => {
    pair.sleeps.length = 0;
    pair.emulator.admin.injectFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 500 });
    await pair.client.upsertContact(person('retry-1'));
    assert.equal(pair.sleeps.length, 2);
    // The queue's backoff: half of each delay fixed, half jitter (base 100 ms, doubling).
    assert.ok(pair.sleeps[0]! >= 50 && pair.sleeps[0]! <= 100, `first ${pair.sleeps[0]}`);
    assert.ok(pair.sleeps[1]! >= 100 && pair.sleeps[1]! <= 200, `second ${pair.sleeps[1]}`);
    assert.ok(pair.emulator.admin.contact('retry-1'));
  });

  it('waits exactly the Retry-After of a 429', async () => {
    pair.sleeps.length = 0;
    pair.emulator.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 3 });
    await pair.client.upsertContact(person('retry-2'));
    assert.deepEqual(pair.sleeps, [3000]);
  });

  it('holds back every call while a Retry-After runs, not only the one that got the 429', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    const paused = await startPair({ clock, client: { retry: { maxAttempts: 4 } } });
    try {
      paused.emulator.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 3 });
      await paused.client.upsertContact(person('pause-1'));
      await paused.client.upsertContact(person('pause-2'));
      assert.deepEqual(paused.sleeps, [3000, 3000], 'the second call waited out the same pause');
      clock.advance(3000);
      await paused.client.upsertContact(person('pause-3'));
      assert.deepEqual(paused.sleeps, [3000, 3000], 'after it, calls go at once');
      assert.equal(paused.emulator.admin.requestCounts().total, 4, 'one 429, three writes');
    } finally {
      await paused.close();
    }
  });

  it('hands a Retry-After beyond maxRetryAfterMs to the caller as RateLimitedError, and the next call too', async () => {
    // A pair of its own: the 10-minute pause would hold back the other cases' calls.
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    const long = await startPair({ clock });
    try {
      long.emulator.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 600 });
      const limited = (error: unknown) => error instanceof RateLimitedError && error.retryAfterMs === 600_000;
      await assert.rejects(long.client.upsertContact(person('retry-3')), limited);
      await assert.rejects(long.client.upsertContact(person('retry-4')), limited, 'not sent meanwhile');
      assert.equal(long.emulator.admin.requestCounts().total, 1);
    } finally {
      await long.close();
    }
  });

  it('gives up after maxAttempts with a RetryableError', async () => {
    const fault = { kind: 'status', status: 500 } as const;
    pair.emulator.admin.injectFaults(fault, fault, fault, fault);
    await assert.rejects(
      pair.client.upsertContact(person('retry-4')),
      (error: unknown) => error instanceof RetryableError && !(error instanceof PermanentError),
    );
  });

  it('retries a connection reset', async () => {
    pair.emulator.admin.injectFaults({ kind: 'reset' });
    await pair.client.upsertContact(person('retry-5'));
    assert.ok(pair.emulator.admin.contact('retry-5'));
  });

  it('does not retry a 400 or a 404: one request each', async () => {
    pair.emulator.admin.resetRequests();
    await assert.rejects(
      pair.client.upsertContact(person('retry-6', { email: 'not-an-address' })),
      PermanentError,
    );
    await assert.rejects(pair.client.updateContact(person('never-created')), PermanentError);
    assert.equal(pair.emulator.admin.requestCounts().total, 2);
  });
});
