import type { Clock } from '../clock.js';
import type { Store } from '../store/open-store.js';
import { type Fence, fenced, NO_FENCE } from './fence.js';

/**
 * The two feeds, markers of the one-off phases of a tenant's first load, the generation of a full
 * resync under way (set until the contacts it did not read are removed from Mail+), and the version
 * of the tenant's data key that its field hashes are made with (see field-hash-key.ts).
 */
export type CheckpointSource =
  | 'dataverse'
  | 'mailplus'
  | 'mailplus-index'
  | 'dataverse-initial'
  | 'dataverse-resync'
  | 'field-hash-key'
  /** The mass-removal guard (removal-guard.ts): the tenant's average removals per round, and a pause. */
  | 'removal-rate'
  | 'removal-pause'
  /** The Mail+ interaction feeds' window (src/interactions), stored after the activities are written. */
  | 'interactions';

/** Change-feed positions: a Dataverse delta link, a Mail+ feed window. Ids and URLs only. */
export class CheckpointStore {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly fence: Fence = NO_FENCE,
  ) {}

  async get(tenantId: string, source: CheckpointSource): Promise<string | null> {
    const row = await this.store.db
      .selectFrom('sync_checkpoints')
      .select('position')
      .where('tenant_id', '=', tenantId)
      .where('source', '=', source)
      .executeTakeFirst();
    return row?.position ?? null;
  }

  /** Call only after the changes before this position are durably enqueued. */
  async set(tenantId: string, source: CheckpointSource, position: string): Promise<void> {
    const updated_at = this.clock.now();
    await fenced(this.store, this.fence, tenantId, (db) =>
      db
        .insertInto('sync_checkpoints')
        .values({ tenant_id: tenantId, source, position, updated_at })
        .onConflict((oc) => oc.columns(['tenant_id', 'source']).doUpdateSet({ position, updated_at }))
        .execute(),
    );
  }

  /** Stores `position` unless one is stored already; returns the one that is stored (the first wins). */
  async setOnce(tenantId: string, source: CheckpointSource, position: string): Promise<string> {
    await fenced(this.store, this.fence, tenantId, (db) =>
      db
        .insertInto('sync_checkpoints')
        .values({ tenant_id: tenantId, source, position, updated_at: this.clock.now() })
        .onConflict((oc) => oc.columns(['tenant_id', 'source']).doNothing())
        .execute(),
    );
    return (await this.get(tenantId, source)) ?? position;
  }

  async clear(tenantId: string, source: CheckpointSource): Promise<void> {
    await fenced(this.store, this.fence, tenantId, (db) =>
      db
        .deleteFrom('sync_checkpoints')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', source)
        .execute(),
    );
  }
}
