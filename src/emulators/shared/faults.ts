import type { Random } from '../../clock.js';

/**
 * Fault injection shared by both emulators: each request draws once from a seedable random source and
 * may be answered with a fault instead of its real response.
 */
export type Fault =
  | { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number }
  | { kind: 'timeout' }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number };

export interface FaultRates {
  /** Each a probability 0..1 per request. */
  rateLimited?: number;
  serverError?: number;
  unavailable?: number;
  /** The response never comes; the client must time out. */
  timeout?: number;
  /** The TCP connection is destroyed without a response. */
  reset?: number;
  /** The response comes after `slowMs` (default 2000 ms). */
  slow?: number;
  slowMs?: number;
  /** Retry-After sent with injected 429s, seconds; default 1. */
  retryAfterSeconds?: number;
}

export class FaultInjector {
  #rates: FaultRates;
  readonly #random: Random;
  readonly #scripted: Fault[] = [];
  constructor(random: Random, rates: FaultRates = {}) {
    this.#random = random;
    this.#rates = rates;
  }

  setRates(rates: FaultRates): void {
    this.#rates = rates;
  }

  get rates(): FaultRates {
    return this.#rates;
  }

  /** Faults for the next requests, in order, before any random draw: a test can count on each kind. */
  inject(...faults: Fault[]): void {
    this.#scripted.push(...faults);
  }

  /** Draws the fault for one request, or null for a normal response. */
  draw(): Fault | null {
    const scripted = this.#scripted.shift();
    if (scripted) return scripted;
    const r = this.#rates;
    let roll = this.#random.float();
    const table: Array<[number | undefined, () => Fault]> = [
      [r.rateLimited, () => ({ kind: 'status', status: 429, retryAfterSeconds: r.retryAfterSeconds ?? 1 })],
      [r.serverError, () => ({ kind: 'status', status: 500 })],
      [r.unavailable, () => ({ kind: 'status', status: 503 })],
      [r.timeout, () => ({ kind: 'timeout' })],
      [r.reset, () => ({ kind: 'reset' })],
      [r.slow, () => ({ kind: 'slow', delayMs: r.slowMs ?? 2000 })],
    ];
    for (const [probability, make] of table) {
      if (!probability) continue;
      if (roll < probability) return make();
      roll -= probability;
    }
    return null;
  }
}
