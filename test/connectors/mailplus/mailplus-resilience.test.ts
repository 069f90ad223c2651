import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, type Random, seededRandom } from '../../../src/clock.js';
import { MailplusClient } from '../../../src/connectors/mailplus/mailplus-client.js';
import { MailplusConnector } from '../../../src/connectors/mailplus/mailplus-connector.js';
import { PermanentError } from '../../../src/errors.js';
import { advancingClock } from '../http/advancing-clock.js';
import { person, startPair } from './fixtures.js';

describe('rate limits and faults', () => {
  it('comes back after the 1 s Retry-After of a 429, on the clock it shares with the service', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    const pair = await startPair({ clock, client: { clock: advancingClock(clock) } });
    try {
      pair.emulator.admin.injectFaults({ kind: 'status', status: 429, retryAfterSeconds: 1 });
      await pair.client.upsertContact(person('rl-1'));
      const log = pair.emulator.admin.requestLog();
      assert.deepEqual(
        log.map((r) => [r.status, r.at - log[0]!.at]),
        [
          [429, 0],
          [204, 1000],
        ],
      );
    } finally {
      await pair.close();
    }
  });

  it('delivers everything through 10% injected faults by retrying', async () => {
    const pair = await startPair({
      emulator: {
        randomSeed: 42,
        faults: {
          rateLimited: 0.03,
          serverError: 0.03,
          unavailable: 0.02,
          reset: 0.015,
          timeout: 0.005,
          retryAfterSeconds: 0,
        },
      },
      client: { requestTimeoutMs: 400, retry: { maxAttempts: 10, baseDelayMs: 1 } },
    });
    try {
      const connector = new MailplusConnector(pair.client);
      const bulk = Array.from({ length: 300 }, (_, i) => person(`f-bulk-${i}`));
      const outcomes = await connector.upsertBatch(bulk);
      assert.ok(outcomes.every((o) => o.status === 'written'));
      for (let i = 0; i < 60; i++) await pair.client.upsertContact(person(`f-one-${i}`));
      for (let i = 0; i < 60; i++) assert.ok(await pair.client.getContact(`f-one-${i}`));
      assert.equal(pair.emulator.admin.contacts().length, 360);
      const counts = pair.emulator.admin.requestCounts();
      assert.ok(counts.faults >= 5, `only ${counts.faults} faults were injected`);
      assert.ok(pair.sleeps.length >= counts.faults - 1);
    } finally {
      await pair.close();
    }
  });
});

describe('OAuth refusals', () => {
  const refused = (e: unknown) =>
    e instanceof PermanentError && e.detail.status === 401 && e.detail.code === 'NOT_AUTHORIZED';

  it('refuses a wrong secret (bad signature) with 401, without retrying', async () => {
    const pair = await startPair();
    const wrong = new MailplusClient({
      baseUrl: pair.emulator.baseUrl,
      consumerKey: pair.emulator.consumerKey,
      consumerSecret: 'not-the-secret',
      caCertificate: pair.emulator.caCertificate,
    });
    try {
      await assert.rejects(wrong.listProperties(), refused);
      assert.equal(pair.emulator.admin.requestCounts().total, 1);
    } finally {
      await wrong.close();
      await pair.close();
    }
  });

  it('refuses a stale timestamp', async () => {
    const server = new ManualClock(Date.UTC(2026, 0, 1));
    const behind = new ManualClock(Date.UTC(2026, 0, 1) - 10 * 60_000);
    const pair = await startPair({ clock: server, client: { clock: behind } });
    try {
      await assert.rejects(pair.client.listProperties(), refused);
      behind.set(server.now() - 60_000);
      assert.ok((await pair.client.listProperties()).length > 0, 'a minute of skew is tolerated');
    } finally {
      await pair.close();
    }
  });

  it('refuses a reused nonce', async () => {
    const fixed = seededRandom(1);
    const sameNonce: Random = { ...fixed, bytes: (length) => Buffer.alloc(length, 7) };
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const pair = await startPair({ clock, client: { random: sameNonce } });
    try {
      await pair.client.listProperties();
      await assert.rejects(pair.client.listProperties(), refused);
      clock.advance(1000);
      assert.ok(await pair.client.listProperties(), 'the same nonce with a new timestamp is a new request');
    } finally {
      await pair.close();
    }
  });
});
