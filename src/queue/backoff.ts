import type { Random } from '../clock.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * messages that failed together spread out but never come back sooner than half the nominal delay.
 */
export function backoffDelay(deliveryCount: number, policy: BackoffPolicy, random: Random): number {
  const exponent = Math.min(Math.max(deliveryCount - 1, 0), 30);
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(nominal / 2 + (random.float() * nominal) / 2);
}
