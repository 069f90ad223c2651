/**
 * Wakes whoever waits for something to happen (a page enqueued, a batch delivered), so the two halves
 * of a first load wait for each other instead of polling on a timer. A wait passes at once when a
 * notify came since the count the waiter read before it looked, so no notify is lost in between.
 */
export class Signal {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  notify(): void {
    this.#count++;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  wait(seen: number): Promise<void> {
    if (this.#count !== seen) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
