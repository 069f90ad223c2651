import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { OrgThrottle, OrgThrottleRegistry } from '../../../src/connectors/dynamics/index.js';

/** Moves the clock (its sleepers wake) and lets the woken callers run. */
function advancer(clock: ManualClock) {
  return async (ms: number) => {
    clock.advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
}

test('caps concurrent requests at the configured maximum', async () => {
  const throttle = new OrgThrottle(2);
  const r1 = await throttle.acquire();
  await throttle.acquire();
  let third = false;
  const pending = throttle.acquire().then(() => {
    third = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(third, false);
  r1();
  await pending;
  assert.equal(third, true);
});

test('a pause holds every caller until it ends, then allows one at a time and ramps up', async () => {
  const clock = new ManualClock();
  const advance = advancer(clock);
  const throttle = new OrgThrottle(4, clock);
  throttle.pause(1000);
  const started: number[] = [];
  const releases = [1, 2, 3].map((n) =>
    throttle.acquire().then((release) => {
      started.push(n);
      return release;
    }),
  );
  await advance(999);
  assert.deepEqual(started, [], 'nothing runs during the pause');
  await advance(1);
  assert.equal(started.length, 1, 'after a 429 the limit restarts at one');
  assert.equal(throttle.limit, 1);
  for (let i = 0; i < 10; i++) throttle.recordSuccess();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(throttle.limit, 2);
  assert.equal(started.length, 2, 'ten successes allow one more concurrent request');
  for (const release of await Promise.all(releases.slice(0, 2))) release();
  await Promise.all(releases);
  assert.equal(started.length, 3);
});

test('the registry hands out one throttle per organisation base URL', () => {
  const registry = new OrgThrottleRegistry();
  const a = registry.forOrganisation('https://contoso.crm4.dynamics.com/api/data/v9.2/', 4);
  const b = registry.forOrganisation('https://CONTOSO.crm4.dynamics.com/api/data/v9.2/', 8);
  const c = registry.forOrganisation('https://fabrikam.crm4.dynamics.com/api/data/v9.2/', 4);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(b.max, 4);
});
