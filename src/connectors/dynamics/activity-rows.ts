import type { CrmActivity, CrmActivityTarget } from '../../sync/ports/index.js';
import type { BatchOperation } from './batch.js';
import { checkedId } from './contact-writer.js';

/**
 * How an interaction becomes a Dataverse row (solution/koppel-interactions.xml defines the table, its
 * columns and the alternate key; docs/interactions.md explains them). Ids, the mailing's name and
 * subject, and the interaction's facts only.
 */
export const ACTIVITY_TABLE = {
  entitySet: 'koppel_mailinginteractions',
  logicalName: 'koppel_mailinginteraction',
  /** The alternate key's one column: the deterministic key of (contact, mailing, type, time). */
  keyColumn: 'koppel_key',
} as const;

export const CAMPAIGN_RESPONSES = { entitySet: 'campaignresponses', keyColumn: 'koppel_key' } as const;

/** Choice values of koppel_interactiontype and koppel_bouncetype (the solution file lists them). */
export const INTERACTION_TYPE_CODES = { sent: 1, opened: 2, clicked: 3, bounced: 4 } as const;
export const BOUNCE_TYPE_CODES = { hard: 1, soft: 2 } as const;

/** activitypointer.subject holds at most 200 characters. */
const SUBJECT_MAX = 200;
const TYPE_LABELS = { sent: 'sent', opened: 'opened', clicked: 'clicked', bounced: 'bounced' } as const;

export function activityOperation(activity: CrmActivity, target: CrmActivityTarget): BatchOperation {
  const contact = `/contacts(${checkedId(activity.contactId)})`;
  const facts = {
    subject: subjectOf(activity),
    koppel_interactiontype: INTERACTION_TYPE_CODES[activity.type],
    koppel_occurredon: new Date(activity.at).toISOString(),
    koppel_mailingid: activity.mailingId,
    koppel_mailingname: activity.mailingName,
    koppel_mailingsubject: activity.subject,
    koppel_link: activity.link,
    koppel_bouncetype: activity.bounceType ? BOUNCE_TYPE_CODES[activity.bounceType] : null,
  };
  if (target.kind === 'custom-activity') {
    return {
      kind: 'upsert-key',
      entitySet: ACTIVITY_TABLE.entitySet,
      key: { [ACTIVITY_TABLE.keyColumn]: activity.key },
      fields: {
        ...facts,
        actualend: facts.koppel_occurredon,
        // A custom activity's regarding lookup to contact is named after the table.
        [`regardingobjectid_contact_${ACTIVITY_TABLE.logicalName}@odata.bind`]: contact,
      },
    };
  }
  return {
    kind: 'upsert-key',
    entitySet: CAMPAIGN_RESPONSES.entitySet,
    key: { [CAMPAIGN_RESPONSES.keyColumn]: activity.key },
    fields: {
      ...facts,
      receivedon: facts.koppel_occurredon,
      'regardingobjectid_campaign_campaignresponse@odata.bind': `/campaigns(${checkedId(target.campaignId)})`,
      // The person who responded: an activity party of type Customer (participationtypemask 11).
      campaignresponse_activity_parties: [
        { 'partyid_contact@odata.bind': contact, participationtypemask: 11 },
      ],
    },
  };
}

function subjectOf(activity: CrmActivity): string {
  const subject = `Mail+ ${TYPE_LABELS[activity.type]}: ${activity.mailingName ?? activity.mailingId}`;
  return subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 1)}…` : subject;
}
