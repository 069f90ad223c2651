import { createHash } from 'node:crypto';
import type { InteractionType } from '../sync/ports/index.js';

/**
 * The activity's key in the CRM: the same for the same (contact, mailing, type, time) whenever and
 * however often it is read, so the alternate-key upsert writes one row. Hex: Dataverse cannot address
 * a key value holding / < > * % & : \ ? + (dynamics.md §3.3). A hash, not the ids themselves, so the
 * key says nothing by itself and always fits the key column.
 */
export function interactionKey(
  contactId: string,
  mailingId: string,
  type: InteractionType,
  at: number,
): string {
  return createHash('sha256').update(`${contactId}\n${mailingId}\n${type}\n${at}`).digest('hex');
}
