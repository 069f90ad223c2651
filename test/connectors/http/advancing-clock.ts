import type { Clock, ManualClock } from '../../../src/clock.js';

/**
 * A clock whose sleep moves `clock` forward by the wait and returns at once: a client on it waits
 * exactly as long as it means to, as seen by an emulator on the same ManualClock, without wall time.
 */
export function advancingClock(clock: ManualClock): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => clock.now(),
    sleep: async (ms: number) => {
      slept.push(ms);
      clock.advance(ms);
    },
  };
}
