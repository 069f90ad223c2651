import { type Clock, systemClock } from '../../clock.js';

/** Successful requests needed before one more concurrent request is allowed after a 429. */
const RAMP_EVERY = 10;

/**
 * The traffic gate for one Dataverse organisation. At most `limit` requests run at once; a 429 pauses
 * every request to the organisation until Retry-After has passed (Microsoft: keep sending while
 * throttled and the wait grows), drops the limit to 1, and successes then raise it step by step back
 * to the configured maximum, so the client finds what the server can take.
 */
export class OrgThrottle {
  readonly max: number;
  #limit: number;
  #active = 0;
  #pausedUntil = 0;
  #successes = 0;
  readonly #waiters: Array<() => void> = [];
  readonly #clock: Clock;

  constructor(max: number, clock: Clock = systemClock) {
    this.max = max;
    this.#limit = max;
    this.#clock = clock;
  }

  get limit(): number {
    return this.#limit;
  }

  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Waits for the pause to end and for a free slot; returns the function that frees it. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const wait = this.#pausedUntil - this.#clock.now();
      if (wait > 0) {
        await this.#clock.sleep(wait);
        continue;
      }
      if (this.#active < this.#limit) {
        this.#active++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.#active--;
          this.#wake(1);
        };
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Called on a 429: hold all traffic for `ms` and restart the ramp from one request at a time. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
    this.#limit = 1;
    this.#successes = 0;
  }

  recordSuccess(): void {
    if (this.#limit >= this.max) return;
    if (++this.#successes >= RAMP_EVERY) {
      this.#successes = 0;
      this.#limit++;
      this.#wake(1);
    }
  }

  #wake(count: number): void {
    for (let i = 0; i < count && this.#waiters.length > 0; i++) this.#waiters.shift()!();
  }
}

/**
 * One throttle per organisation (per Web API base URL) for the whole process: Dataverse's limits are
 * per user and organisation, so two clients for the same organisation must share the gate. The
 * composition root creates one registry and hands it to every Dynamics client.
 */
export class OrgThrottleRegistry {
  readonly #throttles = new Map<string, OrgThrottle>();
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** The first caller for an organisation sets its maximum concurrency. */
  forOrganisation(baseUrl: string, maxConcurrency: number): OrgThrottle {
    const key = baseUrl.toLowerCase();
    let throttle = this.#throttles.get(key);
    if (!throttle) {
      throttle = new OrgThrottle(maxConcurrency, this.#clock);
      this.#throttles.set(key, throttle);
    }
    return throttle;
  }
}
