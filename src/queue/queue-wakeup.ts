import type { Clock } from '../clock.js';

export type WaitOutcome = 'notified' | 'timeout';

export interface WaitForWorkOptions {
  queue: string;
  /**
   * A mark from `workMark`, taken before the claim that came back empty: an enqueue between that claim
   * and this wait then ends the wait at once instead of being missed. Default: now.
   */
  since?: number;
  /** The longest wait, on the injected clock (a poll interval): a lost notification costs no more. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Wakes the idle deliverers of a queue when something was enqueued to it. The in-process half: one
 * counter per queue, bumped by `notify`; PostgreSQL feeds it from LISTEN (other processes' enqueues),
 * SQLite from its own enqueues (SQLite is single-process). A wait races the notification against the
 * clock's sleep, so on a ManualClock a test wakes a waiter without moving time.
 */
export class QueueWakeup {
  readonly #counts = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(private readonly clock: Clock) {}

  /** The current count of the queue's notifications. */
  mark(queue: string): number {
    return this.#counts.get(queue) ?? 0;
  }

  notify(queue: string): void {
    this.#counts.set(queue, this.mark(queue) + 1);
    const waiters = this.#waiters.get(queue);
    if (!waiters) return;
    this.#waiters.delete(queue);
    for (const wake of waiters) wake();
  }

  /** Every queue at once: after a lost LISTEN connection nobody knows what was missed. */
  notifyAll(): void {
    for (const queue of new Set([...this.#counts.keys(), ...this.#waiters.keys()])) this.notify(queue);
  }

  /** How many waits are under way (for tests and the metrics). */
  get waiting(): number {
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  async wait(options: WaitForWorkOptions): Promise<WaitOutcome> {
    const { queue, signal } = options;
    if (options.since !== undefined && this.mark(queue) !== options.since) return 'notified';
    if (signal?.aborted) throw signal.reason;
    const timer = new AbortController();
    const onAbort = () => timer.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let wake: () => void = () => {};
    const notified = new Promise<WaitOutcome>((resolve) => {
      wake = () => resolve('notified');
    });
    const set = this.#waiters.get(queue) ?? new Set();
    set.add(wake);
    this.#waiters.set(queue, set);
    const slept = this.clock.sleep(options.timeoutMs, timer.signal).then(
      (): WaitOutcome => 'timeout',
      (error: unknown) => {
        if (signal?.aborted) throw error;
        return 'notified' as WaitOutcome;
      },
    );
    try {
      return await Promise.race([notified, slept]);
    } finally {
      // Whichever ended first, the other is cancelled: no sleeper left on the clock, no waiter kept.
      this.#waiters.get(queue)?.delete(wake);
      if (this.#waiters.get(queue)?.size === 0) this.#waiters.delete(queue);
      signal?.removeEventListener('abort', onAbort);
      if (!timer.signal.aborted) timer.abort();
      await slept.catch(() => {});
    }
  }
}
