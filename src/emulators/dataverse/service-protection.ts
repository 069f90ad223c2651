import type { Clock } from '../../clock.js';
import { DataverseFault } from './api-types.js';

/**
 * Dataverse's service protection limits, per user over a sliding window: number of requests, combined
 * execution time, and concurrent requests. Exceeding one answers 429 with Retry-After (seconds) and the
 * documented code and message. Sending again while throttled lengthens the wait, as the docs warn.
 */
export interface ServiceProtectionLimits {
  /** Default 6000. */
  requestsPerWindow?: number;
  /** Default 300 000 ms (5 minutes). */
  windowMs?: number;
  /** Default 52. */
  maxConcurrent?: number;
  /** Default 1 200 000 ms (20 minutes) of combined execution time per window. */
  executionMsPerWindow?: number;
  /** Added to the wait for every request sent while throttled; default 1000 ms. */
  penaltyMs?: number;
}

interface UserState {
  arrivals: number[];
  executions: Array<{ at: number; ms: number }>;
  concurrent: number;
  blockedUntil: number;
  blockedBy: DataverseFault | null;
}

export type Admission =
  | { ok: true; remaining: number; release: (executionMs: number) => void }
  | { ok: false; fault: DataverseFault };

export class ServiceProtection {
  #limits: Required<ServiceProtectionLimits>;
  readonly #users = new Map<string, UserState>();
  readonly #clock: Clock;

  constructor(clock: Clock, limits: ServiceProtectionLimits = {}) {
    this.#clock = clock;
    this.#limits = withDefaults(limits);
  }

  setLimits(limits: ServiceProtectionLimits): void {
    this.#limits = withDefaults(limits);
    this.#users.clear();
  }

  admit(user: string): Admission {
    const now = this.#clock.now();
    const state = this.#state(user);
    const { requestsPerWindow, windowMs, maxConcurrent, executionMsPerWindow, penaltyMs } = this.#limits;
    state.arrivals = state.arrivals.filter((at) => at > now - windowMs);
    state.executions = state.executions.filter((e) => e.at > now - windowMs);
    if (now < state.blockedUntil && state.blockedBy) {
      state.blockedUntil += penaltyMs;
      return this.#reject(state.blockedBy, state.blockedUntil - now);
    }
    if (state.concurrent >= maxConcurrent) {
      return this.#reject(
        limitFault('0x80072326', `Number of concurrent requests exceeded the limit of ${maxConcurrent}.`),
        1000,
      );
    }
    const windowSeconds = Math.round(windowMs / 1000);
    if (state.arrivals.length >= requestsPerWindow) {
      const fault = limitFault(
        '0x80072322',
        `Number of requests exceeded the limit of ${requestsPerWindow} over time window of ${windowSeconds} seconds.`,
      );
      return this.#block(state, fault, state.arrivals[0]! + windowMs);
    }
    const executed = state.executions.reduce((sum, e) => sum + e.ms, 0);
    if (executed >= executionMsPerWindow) {
      const fault = limitFault(
        '0x80072321',
        `Combined execution time of incoming requests exceeded limit of ${executionMsPerWindow.toLocaleString('en-US')}  milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
      );
      return this.#block(state, fault, state.executions[0]!.at + windowMs);
    }
    state.arrivals.push(now);
    state.concurrent++;
    return {
      ok: true,
      remaining: requestsPerWindow - state.arrivals.length,
      release: (executionMs) => {
        state.concurrent--;
        state.executions.push({ at: this.#clock.now(), ms: executionMs });
      },
    };
  }

  #block(state: UserState, fault: DataverseFault, until: number): Admission {
    state.blockedUntil = until;
    state.blockedBy = fault;
    return this.#reject(fault, until - this.#clock.now());
  }

  #reject(fault: DataverseFault, waitMs: number): Admission {
    const seconds = String(Math.max(1, Math.ceil(waitMs / 1000)));
    return {
      ok: false,
      fault: new DataverseFault(429, fault.code, fault.message, { 'Retry-After': seconds }),
    };
  }

  #state(user: string): UserState {
    let state = this.#users.get(user);
    if (!state) {
      state = { arrivals: [], executions: [], concurrent: 0, blockedUntil: 0, blockedBy: null };
      this.#users.set(user, state);
    }
    return state;
  }
}

function limitFault(code: string, message: string): DataverseFault {
  return new DataverseFault(429, code, message);
}

function withDefaults(limits: ServiceProtectionLimits): Required<ServiceProtectionLimits> {
  return {
    requestsPerWindow: limits.requestsPerWindow ?? 6000,
    windowMs: limits.windowMs ?? 300_000,
    maxConcurrent: limits.maxConcurrent ?? 52,
    executionMsPerWindow: limits.executionMsPerWindow ?? 1_200_000,
    penaltyMs: limits.penaltyMs ?? 1000,
  };
}
