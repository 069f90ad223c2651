import type { BatchItem, BatchOutcome } from './batch.js';
import type { ContactRow } from './contact-reader.js';
import type { DynamicsClient } from './dynamics-client.js';
import { ChangeTrackingExpiredError } from './dynamics-errors.js';

/**
 * One page of the contact change feed, or the signal that the stored delta link has expired and the
 * caller must start over with a full read (`deltaLink: null`) and reconcile deletes by diffing ids.
 */
export type ChangeRound =
  | { kind: 'changes'; upserts: ContactRow[]; deletes: string[]; deltaLink: string | null }
  | { kind: 'resync-required'; reason: string };

/**
 * The Dataverse side of the sync, in the terms the sync engine uses: a change feed keyed by a stored
 * checkpoint (the whole delta link), the scope of a marketing list, and batched writes.
 */
export class DynamicsContactSource {
  readonly #client: DynamicsClient;
  readonly #select: readonly string[];

  constructor(client: DynamicsClient, select: readonly string[]) {
    this.#client = client;
    this.#select = select;
  }

  /** Persist `deltaLink` of the last round only after everything before it is safely enqueued. */
  async *changes(checkpoint: string | null): AsyncGenerator<ChangeRound> {
    try {
      for await (const page of this.#client.changes({ select: this.#select, deltaLink: checkpoint })) {
        yield { kind: 'changes', ...page };
      }
    } catch (error) {
      if (!(error instanceof ChangeTrackingExpiredError)) throw error;
      yield { kind: 'resync-required', reason: error.message };
    }
  }

  /** The contact ids on a marketing list: ids only, no personal data, so holding them is allowed. */
  async listScope(listId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const page of this.#client.listMemberIds(listId)) for (const id of page) ids.add(id);
    return ids;
  }

  write(items: readonly BatchItem[]): Promise<BatchOutcome[]> {
    return this.#client.batch(items);
  }
}
