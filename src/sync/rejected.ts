import { PermanentError } from '../errors.js';
import type { RejectedMessage } from './sync-mapper.js';

/**
 * Runs the mapping of one record; a record the mapping rejects (invalid e-mail, overlong field) becomes
 * a message that the deliverer dead-letters with the reason, so it is visible in `koppel dlq list`
 * while every other record flows on. Other errors are not the record's fault and propagate.
 */
export function rejectedOr<T>(contactId: string, map: () => T): T | RejectedMessage {
  try {
    return map();
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    return { op: 'rejected', contactId, error: error.message };
  }
}
