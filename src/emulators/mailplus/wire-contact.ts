import type { AccountProperty } from './account-properties.js';
import type { StoredContact } from './contact-store.js';

/**
 * A stored contact as `GET /contact/{externalId}` and the updates feed return it. Real responses differ
 * from the specification in two observed ways (spotler.md §1.4): created/lastChanged are epoch numbers
 * (milliseconds here), and set fields come back as `[{bit, description, enabled}]`. Properties appear
 * only when they hold data. A global opt-out shows as the EMAIL channel switched off (inference: the API
 * has no opt-out field, and `channels` is the only per-contact reachability the model carries).
 */
export interface WireContact {
  externalId: string;
  encryptedId: string;
  created: number;
  lastChanged: number;
  testGroup: boolean;
  temporary: boolean;
  properties: Record<string, unknown>;
  channels: Array<{ name: 'EMAIL' | 'SMS'; value: boolean }>;
}

export function toWireContact(contact: StoredContact, properties: readonly AccountProperty[]): WireContact {
  return {
    externalId: contact.externalId,
    encryptedId: contact.encryptedId,
    created: contact.created,
    lastChanged: contact.lastChanged,
    testGroup: contact.testGroup,
    temporary: false,
    properties: wireProperties(contact, properties),
    channels: [
      { name: 'EMAIL', value: contact.values.has('email') && !contact.optedOut },
      { name: 'SMS', value: contact.values.has('mobileNumber') },
    ],
  };
}

function wireProperties(
  contact: StoredContact,
  properties: readonly AccountProperty[],
): Record<string, unknown> {
  const wire: Record<string, unknown> = Object.fromEntries(contact.values);
  for (const property of properties) {
    const bits = contact.sets.get(property.name);
    if (!bits || !property.entries) continue;
    wire[property.name] = property.entries.map((entry) => ({
      bit: entry.bit,
      description: entry.description,
      enabled: bits.get(entry.bit) ?? false,
    }));
  }
  return wire;
}
