import { deliverToDataverse } from './dataverse-deliverer.js';
import { pollDataverse } from './dataverse-poller.js';
import { deliverToMailplus } from './mailplus-deliverer.js';
import { pollMailplus } from './mailplus-poller.js';
import type { SyncContext } from './sync-context.js';

export interface RoundResult {
  dataverseRead: number;
  mailplusRead: number;
  deliveredToMailplus: number;
  deliveredToDataverse: number;
}

/**
 * One round of a tenant's two-way sync: read both change feeds, then deliver what is ready. Both feeds
 * are read before delivering, so a field changed on both sides is seen as a conflict and settled by
 * its owner instead of by timing.
 */
export async function syncRound(
  ctx: SyncContext,
  options: { mailplusFrom: number; maxBatches?: number },
): Promise<RoundResult> {
  const dv = await pollDataverse(ctx);
  const mp = await pollMailplus(ctx, options.mailplusFrom);
  let toMailplus = 0;
  let toDataverse = 0;
  for (let i = 0; i < (options.maxBatches ?? 1_000); i++) {
    const a = await deliverToMailplus(ctx);
    const b = await deliverToDataverse(ctx);
    toMailplus += a;
    toDataverse += b;
    if (a === 0 && b === 0) break;
  }
  return {
    dataverseRead: dv.read,
    mailplusRead: mp.read,
    deliveredToMailplus: toMailplus,
    deliveredToDataverse: toDataverse,
  };
}
