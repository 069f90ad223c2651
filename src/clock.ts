import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as wallSleep } from 'node:timers/promises';

/** Injected time, so retention, leases, backoff and waits are tested without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves once `ms` have passed on this clock; rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Injected randomness, so jitter and synthetic data are reproducible in tests. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  bytes(length: number): Buffer;
  uuid(): string;
}

/** The one place in src/ that reads the wall clock and sets timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => wallSleep(Math.max(0, ms), undefined, { signal }),
};

export const systemRandom: Random = {
  float: () => Math.random(),
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};

interface Sleeper {
  until: number;
  wake(): void;
}

export interface ManualClockOptions {
  /**
   * When set, a sleep of at most this many ms moves the clock to its end by itself, once the work
   * already queued in the event loop has run: retries and Retry-After waits inside a sync round then
   * pass in no time, while longer waits (a first load's backlog limit) still wait to be advanced.
   */
  autoAdvanceUpToMs?: number;
}

/** A clock that only moves when told to; sleepers wake when it is moved past their end. */
export class ManualClock implements Clock {
  #now: number;
  readonly #sleepers: Sleeper[] = [];
  readonly #autoAdvanceUpToMs: number;

  constructor(start = Date.UTC(2026, 0, 1), options: ManualClockOptions = {}) {
    this.#now = start;
    this.#autoAdvanceUpToMs = options.autoAdvanceUpToMs ?? -1;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { until: this.#now + Math.max(0, ms), wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.#remove(sleeper);
        reject(signal.reason);
      });
      if (ms <= this.#autoAdvanceUpToMs) setImmediate(() => this.#autoAdvance(sleeper));
    });
  }

  /** How many sleepers wait for the clock to move. */
  get sleepers(): number {
    return this.#sleepers.length;
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(ms: number): void {
    this.#now = ms;
    for (const sleeper of [...this.#sleepers].sort((a, b) => a.until - b.until)) {
      if (sleeper.until > this.#now) break;
      this.#remove(sleeper);
      sleeper.wake();
    }
  }

  /** Moves the clock to the earliest sleeper's end (if any) and returns how far it moved. */
  advanceToNextSleeper(): number {
    const next = Math.min(...this.#sleepers.map((s) => s.until));
    if (!Number.isFinite(next)) return 0;
    const moved = Math.max(0, next - this.#now);
    this.set(next);
    return moved;
  }

  #autoAdvance(sleeper: Sleeper): void {
    if (this.#sleepers.includes(sleeper)) this.set(sleeper.until);
  }

  #remove(sleeper: Sleeper): void {
    const at = this.#sleepers.indexOf(sleeper);
    if (at >= 0) this.#sleepers.splice(at, 1);
  }
}

/** mulberry32: a tiny, well-known seedable PRNG; good enough for jitter and test data, never for keys. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(float() * 256)));
  const uuid = () => {
    const b = bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return { float, bytes, uuid };
}

export interface Repeating {
  /** Stops after the run under way, if any; resolves when it has ended. */
  stop(): Promise<void>;
  /** Resolves when stopped and the last run has ended. */
  readonly done: Promise<void>;
}

/** Runs `work` every `ms` on `clock` (the first time after `ms`) until stopped; a run is awaited. */
export function every(clock: Clock, ms: number, work: () => unknown): Repeating {
  const stopping = new AbortController();
  const done = (async () => {
    while (!stopping.signal.aborted) {
      await clock.sleep(ms, stopping.signal).catch(() => {});
      if (!stopping.signal.aborted) await work();
    }
  })();
  return {
    stop: () => {
      stopping.abort();
      return done;
    },
    done,
  };
}
