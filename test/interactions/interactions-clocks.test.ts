import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Clock, ManualClock } from '../../src/clock.js';
import { withInteractions } from './interactions-harness.js';

/** Mail+'s clock, `skewMs` off koppel's (which is the ManualClock). */
function skewed(clock: ManualClock, skewMs: number): Clock {
  return { now: () => clock.now() + skewMs, sleep: (ms, signal) => clock.sleep(ms, signal) };
}

for (const skewMs of [-60_000, 60_000]) {
  const how = skewMs < 0 ? 'behind' : 'ahead of';
  test(`Mail+'s clock a minute ${how} koppel's: every interaction is written once`, async () => {
    const clock = new ManualClock(Date.now(), { autoAdvanceUpToMs: 5_000 });
    await withInteractions({ clock, mailplusOptions: { clock: skewed(clock, skewMs) } }, async (h) => {
      const [a, b] = h.linked();
      const mailing = h.mailplus.admin.sendMailing({ name: 'Skew', subject: 'Clocks', to: [a!, b!] });
      await h.pass();
      assert.equal(h.activities().length, 2, 'the sends of the first window');
      // Stamped by Mail+'s clock right after koppel's pass: a minute before (or after) koppel's now.
      h.mailplus.admin.interact('opened', mailing, a!);
      await h.pass();
      h.mailplus.admin.interact('clicked', mailing, b!);
      await h.pass();
      await h.pass();
      const types = h.activities().map((r) => r.koppel_interactiontype);
      assert.deepEqual(types.sort(), [1, 1, 2, 3]);
    });
  });
}
