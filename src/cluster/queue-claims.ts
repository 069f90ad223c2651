import { sql } from 'kysely';
import { type LeaseOwner, leaseTokenPrefix } from '../queue/lease-owner.js';
import type { Store } from '../store/open-store.js';

/**
 * On a graceful stop whose last round did not end in time: this process's queue claims are made
 * visible again at once, so the tenants' new owners deliver them now instead of after the queue's
 * lease. A late complete() of the old claim then finds its token gone and changes nothing.
 */
export async function releaseOwnClaims(store: Store, owner: LeaseOwner, now: number): Promise<number> {
  const prefix = leaseTokenPrefix(owner);
  const result = await store.db
    .updateTable('queue_messages')
    .set({ visible_at: now, lease_token: null })
    .where('state', '=', 0)
    // substr, not LIKE: a host name may hold the LIKE wildcard _.
    .where(sql<string>`substr(lease_token, 1, ${prefix.length})`, '=', prefix)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
