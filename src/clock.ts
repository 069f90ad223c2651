import { randomBytes, randomUUID } from 'node:crypto';

/** Injected time, so retention, leases and backoff are tested without sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Injected randomness, so jitter and synthetic data are reproducible in tests. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;
  bytes(length: number): Buffer;
  uuid(): string;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemRandom: Random = {
  float: () => Math.random(),
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  set(ms: number): void {
    this.#now = ms;
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
