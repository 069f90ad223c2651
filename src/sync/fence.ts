import type { Kysely } from 'kysely';
import { RetryableError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import type { Database } from '../store/schema.js';

/**
 * Checks, inside the transaction of a sync-state write, that this process still owns the tenant
 * (docs/cluster.md). A worker paused or cut off past its lease must not write after the worker that
 * took the tenant over: the check runs in the same transaction as the write, so the write commits
 * only while the lease's fencing token is still ours.
 */
export interface Fence {
  /** Throws FencedError (and so rolls the transaction back) unless the tenant is still ours. */
  check(trx: Kysely<Database>, tenantId: string): Promise<void>;
}

/** For processes that coordinate with nobody (the CLI, the demo, tests of the sync alone). */
export const NO_FENCE: Fence = { check: async () => {} };

/** Retryable for the queue: the message goes back and the tenant's new owner delivers it. */
export class FencedError extends RetryableError {
  constructor(tenantId: string) {
    super(`tenant ${tenantId}'s lease is held by another worker now; this worker's write was refused`);
  }
}

/**
 * `write` in a transaction that commits only while the fence lets this process write for the tenant;
 * without a fence, as before: straight on the store.
 */
export async function fenced<T>(
  store: Store,
  fence: Fence,
  tenantId: string,
  write: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (fence === NO_FENCE) return write(store.db);
  return store.writeTransaction(async (trx) => {
    await fence.check(trx, tenantId);
    return write(trx);
  });
}
