import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetch as undiciFetch } from 'undici';
import { ManualClock, systemClock } from '../../../src/clock.js';
import { DynamicsClient, OrgThrottleRegistry } from '../../../src/connectors/dynamics/index.js';
import { startDataverseEmulator } from '../../../src/emulators/dataverse/index.js';
import { advancingClock } from '../http/advancing-clock.js';
import { collect, startHarness } from './helpers.js';

test('a 429 pauses every client of the organisation for Retry-After, then traffic resumes', async () => {
  // Four requests per sliding second: the fifth is refused with Retry-After: 1.
  const manual = new ManualClock();
  const clock = advancingClock(manual);
  const emulator = await startDataverseEmulator({
    randomSeed: 3,
    seedContacts: 5,
    clock: manual,
    limits: { requestsPerWindow: 4, windowMs: 1000 },
  });
  const throttles = new OrgThrottleRegistry(clock);
  const make = () =>
    DynamicsClient.create({
      baseUrl: emulator.baseUrl,
      authority: emulator.authority,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      caCertificate: emulator.caCertificate,
      maxConcurrency: 1,
      throttles,
      clock,
      fetch: (url, init) => undiciFetch(url, init),
    });
  const [a, b] = [make(), make()];
  try {
    const reads = (client: DynamicsClient) =>
      Promise.all([1, 2, 3].map(() => collect(client.contacts({ select: ['lastname'] }))));
    const results = await Promise.all([reads(a), reads(b)]);
    for (const rows of results.flat()) assert.equal(rows.length, 5);

    const log = emulator.admin.requestLog();
    const throttled = log.filter((r) => r.status === 429);
    assert.equal(
      throttled.length,
      1,
      'the shared pause keeps the other client from running into the limit too',
    );
    const pausedAt = throttled[0]!.at;
    const next = log.find((r) => r.at > pausedAt)!;
    assert.equal(next.at - pausedAt, 1000, 'no request during Retry-After, and none later than needed');
    assert.equal(log.filter((r) => r.status === 200).length, 6);
  } finally {
    await a.close();
    await b.close();
    await emulator.close();
  }
});

/** Backoff waits return at once: this case is about recovering from faults, not about their timing. */
const noWaiting = { now: () => systemClock.now(), sleep: async () => {} };

test('with 10% injected faults (429, 500, 503, resets, timeouts) the client still reads and writes everything', async () => {
  const h = await startHarness(
    {
      seedContacts: 300,
      faults: {
        rateLimited: 0.02,
        serverError: 0.03,
        unavailable: 0.02,
        reset: 0.02,
        timeout: 0.01,
        retryAfterSeconds: 0,
      },
    },
    { requestTimeoutMs: 300, maxAttempts: 8, clock: noWaiting },
  );
  try {
    const rows = await collect(h.client.contacts({ select: ['emailaddress1'], pageSize: 10 }));
    assert.equal(new Set(rows.map((r) => r.contactid)).size, 300);

    let tracked = 0;
    for await (const page of h.client.changes({ select: ['emailaddress1'], pageSize: 10 }))
      tracked += page.upserts.length;
    assert.equal(tracked, 300);

    const ids = rows.slice(0, 40).map((r) => r.contactid);
    for (const id of ids) await h.client.upsertContact(id, { jobtitle: 'Koper' }, { mode: 'update' });
    for (const id of ids) assert.equal(h.emulator.admin.getContact(id)?.jobtitle, 'Koper');

    const counts = h.emulator.admin.requestCounts();
    assert.ok(
      counts.faultsInjected >= 5,
      `faults were injected (${counts.faultsInjected} of ${counts.total})`,
    );
  } finally {
    await h.close();
  }
});

test('Retry-After is honoured exactly on a sole 429 and the limit ramps back up', async () => {
  const manual = new ManualClock();
  const clock = advancingClock(manual);
  const h = await startHarness(
    { seedContacts: 2, clock: manual, faults: { rateLimited: 1, retryAfterSeconds: 1 } },
    { maxAttempts: 2, clock, throttles: new OrgThrottleRegistry(clock) },
  );
  try {
    await assert.rejects(collect(h.client.contacts({ select: ['lastname'] })), {
      name: 'RateLimitedError',
      retryAfterMs: 1000,
    });
    const limited = h.emulator.admin.requestLog().filter((r) => r.status === 429);
    assert.deepEqual(
      limited.map((r) => r.at - limited[0]!.at),
      [0, 1000],
      'the second attempt came exactly after Retry-After',
    );
    assert.deepEqual(clock.slept, [1000]);
  } finally {
    await h.close();
  }
});
