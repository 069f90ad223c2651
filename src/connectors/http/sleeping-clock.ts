import { type Clock, systemClock } from '../../clock.js';

export type Sleep = (ms: number) => Promise<void>;

/** What the http layers need of time: the time, and a wait that a manual clock can resolve. */
export interface SleepingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * The one wall-clock wait in the connectors, for a clock that cannot sleep (Clock before it gained
 * sleep(), or a caller's plain `{ now }`). Every injected clock that sleeps replaces it.
 */
export const wallSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `clock` itself when it can sleep, else its time with `fallback` to wait; the system clock when none is
 * given. A Retry-After or backoff then waits on the same clock that measures it.
 */
export function sleepingClock(
  clock: Clock & Partial<SleepingClock> = systemClock,
  fallback: Sleep = wallSleep,
): SleepingClock {
  if (typeof clock.sleep === 'function') return clock as SleepingClock;
  return { now: () => clock.now(), sleep: fallback };
}
