import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { sleepingClock, wallSleep } from '../../../src/connectors/http/sleeping-clock.js';
import { advancingClock } from './advancing-clock.js';

describe('sleepingClock', () => {
  it('uses a clock that can sleep as it is', async () => {
    const manual = new ManualClock(1000);
    const clock = advancingClock(manual);
    assert.equal(sleepingClock(clock), clock);
    await sleepingClock(clock).sleep(250);
    assert.equal(manual.now(), 1250);
  });

  it('gives a clock that cannot sleep the fallback, keeping its time', async () => {
    const manual = new ManualClock(1000);
    const waits: number[] = [];
    const clock = sleepingClock(manual, async (ms) => {
      waits.push(ms);
    });
    await clock.sleep(30);
    assert.deepEqual([clock.now(), waits], [1000, [30]]);
  });

  it('falls back to the wall clock only when given nothing', () => {
    const clock = sleepingClock({ now: () => 5 });
    assert.equal(clock.sleep, wallSleep);
    assert.equal(typeof sleepingClock().now(), 'number');
  });
});
