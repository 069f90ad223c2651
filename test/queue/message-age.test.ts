import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { queueOldestMessage } from '../../src/doctor/checks/queue-checks.js';
import type { DoctorContext } from '../../src/doctor/doctor-check.js';
import { ConfigError } from '../../src/errors.js';
import { type Backend, createTestApp, PG_SKIP_REASON, type TestApp } from '../helpers/stores.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const backends: [Backend, string | false][] = [
  ['sqlite', false],
  ['postgres', PG_SKIP_REASON],
];

function issuesOf(overrides: Record<string, unknown>): string[] {
  try {
    loadConfig({ overrides });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

const oldest = (t: TestApp) =>
  queueOldestMessage.run({
    config: t.app.config,
    store: t.app.store,
    pendingMigrations: [],
    now: t.clock.now(),
    retentionMaxAgeMs: 10 * 60_000,
  } as unknown as DoctorContext);

describe('queue limits in the configuration', () => {
  it('caps Retry-After, the backoff and the message age, and names the field', () => {
    const q = loadConfig({}).queue;
    assert.equal(q.retryAfterMaxSeconds, 3600);
    assert.equal(q.maxMessageAgeDays, 7);
    assert.equal(
      loadConfig({ overrides: { queue: { deadLetterRetentionDays: 3 } } }).queue.maxMessageAgeDays,
      3,
    );
    assert.ok(
      issuesOf({ queue: { backoffMaxMs: 2 * HOUR } }).some((i) =>
        i.startsWith('queue.backoffMaxMs: must be at most 3600000'),
      ),
    );
    assert.ok(
      issuesOf({ queue: { backoffBaseMs: 120_000 } }).some((i) =>
        i.startsWith('queue.backoffBaseMs: must be at most 60000'),
      ),
    );
    assert.ok(
      issuesOf({ queue: { backoffBaseMs: 5_000, backoffMaxMs: 1_000 } }).some((i) =>
        i.startsWith('queue.backoffBaseMs: must be at most backoffMaxMs'),
      ),
    );
    assert.ok(
      issuesOf({ queue: { retryAfterMaxSeconds: 2 * 86_400 } }).some((i) =>
        i.startsWith('queue.retryAfterMaxSeconds:'),
      ),
    );
    assert.ok(
      issuesOf({ queue: { deadLetterRetentionDays: 5, maxMessageAgeDays: 6 } }).some((i) =>
        i.startsWith('queue.maxMessageAgeDays: must be at most queue.deadLetterRetentionDays (5)'),
      ),
    );
  });
});

for (const [backend, skip] of backends) {
  describe(`message age on ${backend}`, { skip }, () => {
    it('a Retry-After longer than the cap waits only as long as the cap', async () => {
      const t = await createTestApp(backend);
      try {
        const { queue } = t.app;
        await queue.enqueue([{ tenantId: 'acme', queue: 'q', key: 'c1', payload: { n: 1 } }]);
        const claimed = await queue.claim({ queue: 'q' });
        await queue.abandon(claimed, { notBefore: t.clock.now() + 30 * DAY, countDelivery: false });
        t.clock.advance(HOUR - 1);
        assert.deepEqual(await queue.claim({ queue: 'q' }), []);
        t.clock.advance(1);
        assert.equal((await queue.claim({ queue: 'q' })).length, 1, 'due after one hour, not 30 days');
      } finally {
        await t.close();
      }
    });

    it('a live message past the maximum age is dead-lettered as expired, by claim or by retention', async () => {
      const t = await createTestApp(backend);
      try {
        const { queue } = t.app;
        const job = t.app.retention;
        await queue.enqueue([
          { tenantId: 'acme', queue: 'q', key: 'claimed', payload: { n: 1 } },
          {
            tenantId: 'acme',
            queue: 'waiting',
            key: 'w',
            payload: { n: 2 },
            notBefore: t.clock.now() + 20 * DAY,
          },
        ]);
        t.clock.advance(2 * DAY);
        assert.equal((await oldest(t)).status, 'warn', 'two days old: deliveries look stuck');
        t.clock.advance(5 * DAY);
        assert.deepEqual(await queue.claim({ queue: 'q' }), [], 'never delivered past its age');
        t.clock.advance(HOUR);
        assert.equal((await oldest(t)).status, 'fail', 'the waiting one is past its age');
        const round = await job.run();
        assert.equal(round.purged['queue-payloads'], 1);
        const dead = await queue.listDeadLetters();
        assert.deepEqual(
          dead.map((d) => d.reason),
          ['expired', 'expired'],
        );
        assert.equal((await oldest(t)).status, 'pass');
      } finally {
        await t.close();
      }
    });
  });
}
