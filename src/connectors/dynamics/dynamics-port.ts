import { coerceError } from '../../errors.js';
import {
  type CrmActivity,
  type CrmActivityOutcome,
  type CrmActivityTarget,
  type CrmChangePage,
  type CrmChangeRead,
  CrmFeedExpiredError,
  type CrmPort,
  type CrmReadSpec,
  type CrmRecord,
  type CrmWrite,
  type CrmWriteOutcome,
} from '../../sync/ports/index.js';
import { activityOperation } from './activity-rows.js';
import { type BatchOperation, MAX_BATCH_OPERATIONS } from './batch.js';
import type { ContactRow } from './contact-reader.js';
import { checkedId } from './contact-writer.js';
import type { DynamicsClient } from './dynamics-client.js';
import { ChangeTrackingExpiredError } from './dynamics-errors.js';

/** Dataverse's error code for a row that does not exist (here: the contact an activity is bound to). */
const OBJECT_DOES_NOT_EXIST = '0x80040217';

/** Contacts fetched per request by id: keeps the $filter well inside URL limits. */
const BY_ID = 50;

/** The CRM port on the Dataverse Web API: change tracking, lists, $batch updates with If-Match: *. */
export class DynamicsPort implements CrmPort {
  constructor(private readonly client: DynamicsClient) {}

  async *changes(read: CrmChangeRead): AsyncIterable<CrmChangePage> {
    const pages = this.client.changes({
      select: read.fields,
      deltaLink: read.from,
      pageSize: read.pageSize,
      annotations: read.labels,
    });
    try {
      for await (const page of pages) {
        yield {
          upserts: page.upserts.map(recordOf),
          deletes: page.deletes,
          resumeAt: page.nextLink,
          nextRound: page.deltaLink,
        };
      }
    } catch (error) {
      if (!(error instanceof ChangeTrackingExpiredError)) throw error;
      throw new CrmFeedExpiredError(error.message, error.detail, { cause: error });
    }
  }

  async *contactsByIds(ids: readonly string[], read: CrmReadSpec): AsyncIterable<CrmRecord[]> {
    for (let i = 0; i < ids.length; i += BY_ID) {
      // Ids come from Dataverse's own feeds; checked all the same, as they go into a $filter.
      const filter = ids
        .slice(i, i + BY_ID)
        .map((id) => `contactid eq ${checkedId(id)}`)
        .join(' or ');
      const pages = this.client.contacts({ select: read.fields, filter, annotations: read.labels });
      for await (const page of pages) yield page.map(recordOf);
    }
  }

  listMemberIds(listId: string, pageSize: number): AsyncIterable<string[]> {
    return this.client.listMemberIds(listId, pageSize);
  }

  async updateMany(writes: readonly CrmWrite[]): Promise<CrmWriteOutcome[]> {
    const outcomes: CrmWriteOutcome[] = [];
    for (let i = 0; i < writes.length; i += MAX_BATCH_OPERATIONS) {
      outcomes.push(...(await this.#updateChunk(writes.slice(i, i + MAX_BATCH_OPERATIONS))));
    }
    return outcomes;
  }

  async #updateChunk(writes: readonly CrmWrite[]): Promise<CrmWriteOutcome[]> {
    const operations = writes.map((w) => ({
      kind: 'upsert' as const,
      id: w.id,
      fields: w.fields,
      // If-Match: *: an update only, so koppel never creates a contact in Dataverse.
      options: { mode: 'update' as const },
    }));
    try {
      const results = await this.client.batch(operations, { continueOnError: true });
      return writes.map((_, i): CrmWriteOutcome => {
        const result = results[i];
        if (result?.ok) return { ok: true };
        const error = result?.error ?? new Error('the $batch gave no answer for this operation');
        return { ok: false, notFound: result?.status === 404, error };
      });
    } catch (thrown) {
      const error = coerceError(thrown);
      return writes.map(() => ({ ok: false, notFound: false, error }));
    }
  }

  /** Upserts by alternate key in $batch calls of up to 1,000 operations, continuing past failures. */
  async upsertActivities(
    activities: readonly CrmActivity[],
    target: CrmActivityTarget,
  ): Promise<CrmActivityOutcome[]> {
    const outcomes: CrmActivityOutcome[] = [];
    for (let i = 0; i < activities.length; i += MAX_BATCH_OPERATIONS) {
      outcomes.push(...(await this.#activityChunk(activities.slice(i, i + MAX_BATCH_OPERATIONS), target)));
    }
    return outcomes;
  }

  async #activityChunk(
    activities: readonly CrmActivity[],
    target: CrmActivityTarget,
  ): Promise<CrmActivityOutcome[]> {
    let operations: BatchOperation[];
    try {
      operations = activities.map((activity) => activityOperation(activity, target));
    } catch (thrown) {
      const error = coerceError(thrown);
      return activities.map(() => ({ ok: false, contactMissing: false, error }));
    }
    const results = await this.client.batch(operations, { continueOnError: true });
    return activities.map((_, i): CrmActivityOutcome => {
      const result = results[i];
      if (result?.ok) return { ok: true };
      const error = result?.error ?? new Error('the $batch gave no answer for this operation');
      // A lookup bound to a contact that is gone answers 404 "Does Not Exist": deleted meanwhile. A 404
      // for the table itself (the solution is not installed) is a failure to report, not a skip.
      const contactMissing = result?.status === 404 && result.error?.detail.code === OBJECT_DOES_NOT_EXIST;
      return { ok: false, contactMissing, error };
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The neutral record: the id apart, the selected columns (and annotations) as they came. */
function recordOf(row: ContactRow): CrmRecord {
  const { '@odata.etag': _etag, ...fields } = row;
  return { id: row.contactid, fields };
}
