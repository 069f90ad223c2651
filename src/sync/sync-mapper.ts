/**
 * What the sync engine needs from a tenant's field mapping. Fields are identified by a key that is the
 * same on both sides (the Mail+ property name), so a value read from Dataverse
 * and one read from Mail+ can be compared through their keyed hashes. Permissions use their own keys.
 */
import type { CrmReadSpec, CrmRecord } from './ports/index.js';

export type Side = 'dataverse' | 'mailplus';

export type RemovalReason = 'deleted' | 'deactivated' | 'do-not-bulk-email';

export interface SyncMapper {
  /** What to read from the CRM: the mapped fields plus the ones scope and removal rules need. */
  readonly crmRead: CrmReadSpec;
  /** The CRM field that holds the e-mail address (the initial match pairs people by it). */
  readonly crmEmailField: string;
  /** What happens in Mail+ when a contact is deleted, deactivated or marked "do not bulk e-mail". */
  removalPolicy(reason: RemovalReason): 'anonymize' | 'withdraw-permissions';
  /** The Mail+ permission bits the mapping covers. */
  readonly permissionBits: readonly number[];
  /** Canonical value of every mapped field, as read on one side; throws PermanentError on bad data. */
  canonical(side: Side, record: Record<string, unknown>): Record<string, string | null>;
  /**
   * The values to write on `target` for each of `keys`, from the record read on the other side.
   * Throws a PermanentError naming every field that cannot be converted (never the values).
   */
  valuesFor(
    target: Side,
    keys: readonly string[],
    record: Record<string, unknown>,
  ): Record<string, Record<string, unknown>>;
  flowsTo(key: string, target: Side): boolean;
  owner(key: string): Side;
  /** The permission bit of a permission key, else null. */
  permissionBit(key: string): number | null;
  /** The marketing list that scopes the sync, or null when the scope is not a list. */
  readonly scopeListId: string | null;
  /** Whether a CRM contact is in the sync's scope (active, flag set, on the list when one scopes it). */
  inScope(record: CrmRecord, listMembers?: ReadonlySet<string>): boolean;
  /** True when the row asks for removal from Mail+ ("do not bulk e-mail"). */
  wantsRemoval(row: Record<string, unknown>): boolean;
}

/** One changed field inside a message: the values to write, and hashes for echo and conflict checks. */
export interface FieldChange {
  values: Record<string, unknown>;
  /** Hash of the new canonical value. */
  hash: string;
  /** The agreed hash when the change was detected; tells a stale change from a fresh one. */
  base: string | null;
}

/** The tenant the poller built a message for; the deliverers' cross-tenant guard checks it. */
interface Stamp {
  tenantId?: string;
}

export type MailplusMessage = Stamp &
  (
    | {
        op: 'upsert';
        contactId: string;
        fields: Record<string, FieldChange>;
        /**
         * The contact's first write: sent insert-only, so a redelivery after a crash finds it there and
         * cannot switch on a permission the person withdrew since (see the Mail+ deliverer).
         */
        create?: true;
      }
    | { op: 'remove'; contactId: string; reason: RemovalReason }
    | RejectedMessage
  );

export type DataverseMessage = Stamp &
  ({ op: 'update'; contactId: string; fields: Record<string, FieldChange> } | RejectedMessage);

/** A record that could not be mapped at the source; the deliverer dead-letters it with this reason. */
export interface RejectedMessage {
  op: 'rejected';
  contactId: string;
  /** Names the fields and rules, never the values. */
  error: string;
}

export const QUEUE_TO_MAILPLUS = 'to-mailplus';
export const QUEUE_TO_DATAVERSE = 'to-dataverse';
