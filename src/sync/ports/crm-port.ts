import { PermanentError } from '../../errors.js';

/**
 * The CRM side of the sync, owned by the core: what the engine needs from a CRM (first: Dataverse),
 * in the core's own terms. Field names are the CRM's (the sync definition maps them); ids are strings.
 */
export interface CrmPort extends CrmActivities {
  /**
   * The change feed: every contact created, updated or deleted since `from` (null: all of them, the
   * first load), page by page. A page's `resumeAt`/`nextRound` are opaque positions to store.
   * Throws CrmFeedExpiredError when `from` is too old for the CRM to answer.
   */
  changes(read: CrmChangeRead): AsyncIterable<CrmChangePage>;
  /** The contacts with these ids (those that exist), a page at a time. */
  contactsByIds(ids: readonly string[], read: CrmReadSpec): AsyncIterable<CrmRecord[]>;
  /** The contact ids on a marketing list, a page at a time. */
  listMemberIds(listId: string, pageSize: number): AsyncIterable<string[]>;
  /** Updates existing contacts (never creates one); one outcome per write, in order, never a throw halfway. */
  updateMany(writes: readonly CrmWrite[]): Promise<CrmWriteOutcome[]>;
  /** Lets go of connections. */
  close(): Promise<void>;
}

/** One contact as read: its id and the values of the fields asked for, by the CRM's field names. */
export interface CrmRecord {
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface CrmReadSpec {
  /** The fields to read (the mapping's, plus what scope and removal rules need). */
  fields: readonly string[];
  /** Also read display labels (a lookup's name): the mapping says when it needs them. */
  labels: boolean;
}

export interface CrmChangeRead extends CrmReadSpec {
  /** A position from an earlier page (`resumeAt` or `nextRound`), or null to read everything. */
  from: string | null;
  pageSize: number;
}

export interface CrmChangePage {
  /** Created or updated contacts (the CRM need not say which). */
  upserts: CrmRecord[];
  /** Ids of deleted contacts. */
  deletes: string[];
  /** Every page but the last: where an interrupted read resumes. */
  resumeAt: string | null;
  /** The last page only: where the next round's read starts. */
  nextRound: string | null;
}

export interface CrmWrite {
  id: string;
  fields: Record<string, unknown>;
}

export type CrmWriteOutcome =
  | { ok: true }
  /** `notFound`: the contact does not exist (deleted meanwhile); retrying cannot help. */
  | { ok: false; notFound: boolean; error: Error };

/** The stored feed position is too old (the CRM forgot it): the engine reads everything again. */
export class CrmFeedExpiredError extends PermanentError {}

/**
 * One interaction to record in the CRM as an activity of a contact. `key` is deterministic per
 * (contact, mailing, type, time): the CRM upserts by it, so a re-read or a redelivery after a crash
 * writes the same row again instead of a second one. Only ids, the mailing's name and subject, and
 * the interaction's facts: no personal data beyond the contact's id.
 */
export interface CrmActivity {
  key: string;
  contactId: string;
  type: 'sent' | 'opened' | 'clicked' | 'bounced';
  at: number;
  mailingId: string;
  mailingName: string | null;
  subject: string | null;
  link: string | null;
  bounceType: 'hard' | 'soft' | null;
}

/** Where activities go: the documented custom activity table, or the standard campaign response. */
export type CrmActivityTarget =
  | { kind: 'custom-activity' }
  | { kind: 'campaign-response'; campaignId: string };

export type CrmActivityOutcome =
  | { ok: true }
  /** `contactMissing`: the contact is gone from the CRM; nothing was written and retrying cannot help. */
  | { ok: false; contactMissing: boolean; error: Error };

/** The interactions feed's need of a CRM, beside the contact port. */
export interface CrmActivities {
  /** Upserts activities by their key in as few calls as the CRM allows; one outcome per activity. */
  upsertActivities(
    activities: readonly CrmActivity[],
    target: CrmActivityTarget,
  ): Promise<CrmActivityOutcome[]>;
}
