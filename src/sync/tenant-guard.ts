import type { ClaimedMessage } from '../queue/queue.js';
import type { SecurityEventSink } from '../queue/security-event-log.js';
import type { Store } from '../store/open-store.js';

const CHUNK = 500;

/** The tenant a message was built for, stamped by the poller that enqueued it (absent in older ones). */
export interface TenantStamped {
  op: string;
  contactId: string;
  tenantId?: string;
}

/**
 * The cross-tenant guard of both deliverers: a record goes out only to the tenant it belongs to. A
 * message is refused when its payload names another tenant, or when its contact is unknown to this
 * tenant (no pollers of it ever read the contact, so none of its messages can be about it) but known
 * to another. Either means a message built for one customer sits in another's queue: a replay or
 * restore into the wrong tenant, or a bug in a path that enqueues. Refused messages are dead-lettered
 * with reason `cross-tenant`, never sent, and recorded as security event `sync.cross-tenant-refused`
 * (ids only); the signal watcher opens a suspected incident for it.
 */
export class TenantGuard {
  constructor(
    private readonly store: Store,
    private readonly events?: SecurityEventSink,
  ) {}

  /**
   * Dead-letters and records the foreign messages among `messages`; returns the others, in order.
   * `deliverer` names the side for the event ('mailplus' or 'dataverse').
   */
  async admit<T extends TenantStamped>(
    tenantId: string,
    deliverer: 'mailplus' | 'dataverse',
    messages: ClaimedMessage<T>[],
    deadLetter: (messages: ClaimedMessage<T>[], reason: string, description: string) => Promise<unknown>,
  ): Promise<ClaimedMessage<T>[]> {
    // A record rejected at the source is never sent (it is dead-lettered with its reason), and may
    // name a contact this tenant keeps no state of: not a question for this guard.
    const sent = messages.filter((m) => m.payload.op !== 'rejected');
    const owners = await this.#ownersOfUnknown(
      tenantId,
      sent.map((m) => m.payload.contactId),
    );
    const admitted: ClaimedMessage<T>[] = [];
    for (const message of messages) {
      if (message.payload.op === 'rejected') {
        admitted.push(message);
        continue;
      }
      const { contactId, tenantId: stamped } = message.payload;
      const owner = stamped !== undefined && stamped !== tenantId ? stamped : owners.get(contactId);
      if (owner === undefined && message.tenantId === tenantId) {
        admitted.push(message);
        continue;
      }
      const why =
        stamped !== undefined && stamped !== tenantId
          ? `the message was built for tenant ${stamped}`
          : owner !== undefined
            ? `the contact is known only to tenant ${owner}`
            : `the message is queued for tenant ${message.tenantId}`;
      const description = `cross-tenant: refused by the ${deliverer} deliverer of tenant ${tenantId}: ${why}; not sent`;
      await deadLetter([message], 'cross-tenant', description);
      await this.events?.record({
        kind: 'sync.cross-tenant-refused',
        tenantId,
        subject: contactId,
        detail: {
          deliverer,
          queue: message.queue,
          messageId: message.messageId,
          seq: message.seq,
          owner: owner ?? message.tenantId,
          why,
        },
      });
    }
    return admitted;
  }

  /** contactid -> another tenant that knows it, for the contacts this tenant has no state of. */
  async #ownersOfUnknown(tenantId: string, contactIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(contactIds)];
    const known = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_contacts')
        .select('contact_id')
        .where('tenant_id', '=', tenantId)
        .where('contact_id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) known.add(row.contact_id);
    }
    const unknown = ids.filter((id) => !known.has(id));
    const owners = new Map<string, string>();
    // Rare (normally never): a full lookup by contact id only for contacts this tenant does not know.
    for (let i = 0; i < unknown.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('sync_contacts')
        .select(['tenant_id', 'contact_id'])
        .where('tenant_id', '!=', tenantId)
        .where('contact_id', 'in', unknown.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) if (!owners.has(row.contact_id)) owners.set(row.contact_id, row.tenant_id);
    }
    return owners;
  }
}
