import type { App } from '../../app.js';
import { KoppelError } from '../../errors.js';
import { CheckpointStore } from '../../sync/checkpoint-store.js';
import { RemovalGuard, type RemovalPause } from '../../sync/removal-guard.js';

/** Who decides: an admin by username and address, or the shell (`cliActor()`). */
export interface Decider {
  actor: string;
  address: string;
}

export interface RemovalsView {
  tenantId: string;
  /** The last pause and its decision, if the tenant ever had one. */
  pause: RemovalPause | null;
}

function guardOf(app: App): RemovalGuard {
  return new RemovalGuard(new CheckpointStore(app.store, app.clock), app.clock);
}

/** A tenant's mass-removal pause, for `koppel tenant removals show` and GET /api/tenants/:id/removals. */
export async function showRemovals(app: App, tenantId: string): Promise<RemovalsView> {
  await app.tenants.get(tenantId);
  return { tenantId, pause: await guardOf(app).pause(tenantId) };
}

/**
 * An admin confirms a paused mass removal (the held removals are delivered, within five minutes by
 * a running koppel) or rejects it (the ones enqueued so far are dead-lettered `rejected-by-admin`, to
 * replay with `koppel dlq replay` if that was wrong). Audited either way; refused, naming why, when
 * the tenant has no paused removals.
 */
export async function decideRemovals(
  app: App,
  tenantId: string,
  decision: 'confirm' | 'reject',
  by: Decider,
): Promise<RemovalPause> {
  await app.tenants.get(tenantId);
  const decided = await guardOf(app).decide(tenantId, decision, by.actor);
  const action = `tenant.removals.${decision}`;
  if (!decided) {
    await app.audit.append({ ...by, action, target: tenantId, result: 'refused', detail: { paused: false } });
    throw new KoppelError(`tenant ${tenantId} has no paused removals to ${decision}`);
  }
  await app.audit.append({
    ...by,
    action,
    target: tenantId,
    result: 'ok',
    detail: { removals: decided.removals, threshold: decided.threshold, pausedSince: decided.since },
  });
  return decided;
}
