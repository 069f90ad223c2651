import { createHmac } from 'node:crypto';

/** Marks a contact-bound hash; a stored hash without it was written before hashes were bound. */
const BOUND = '2:';
const LENGTH = 22;

/**
 * Keyed hashes of field values (HMAC-SHA256 under keys derived from one version of the tenant's data
 * key), so koppel can tell "changed" from "echo of our own write" without keeping the values. Without
 * the tenant key the hashes cannot be tested against guessed values, and shredding the key makes them
 * meaningless.
 *
 * The hashes koppel stores per contact are bound to the contact: HMAC(contact key, contactId, value
 * hash). Equal values of two contacts hash differently, so counting equal hashes in `sync_contacts`
 * tells nothing (unbound, the most common last-name hashes were exactly the most common surnames).
 * The binding is applied to the old, contact-independent value hash, not to the value, so a hash
 * stored before binding is upgraded exactly without the value (`upgrade`): no bulk rewrite, and an
 * echo of a write recorded under the old form is still recognised.
 */
export class FieldHasher {
  readonly #valueKey: Buffer;
  readonly #contactKey: Buffer;

  constructor(tenantDataKey: Uint8Array) {
    // The v1 derivation is the one every stored unbound hash was made with; keep it unchanged.
    this.#valueKey = derive(tenantDataKey, 'koppel/sync-field-hash/v1');
    this.#contactKey = derive(tenantDataKey, 'koppel/sync-field-hash/v2-contact');
  }

  /**
   * A contact-independent hash, only for what must be equal across contacts: the temporary e-mail
   * match index of the first load. Never stored in a contact's state.
   */
  matchHash(field: string, canonicalValue: string | null): string {
    return hmac(this.#valueKey, [field, canonicalValue === null ? '\u0001null' : `=${canonicalValue}`]);
  }

  /** The hash of `field`'s value as stored in (and compared against) `contactId`'s state. */
  hash(contactId: string, field: string, canonicalValue: string | null): string {
    return this.#bind(contactId, this.matchHash(field, canonicalValue));
  }

  hashAll(contactId: string, values: Record<string, string | null>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(values).map(([field, value]) => [field, this.hash(contactId, field, value)]),
    );
  }

  /** A stored hash in the contact-bound form: an unbound one is bound, a bound one kept. */
  upgrade(contactId: string, stored: string): string {
    return stored.startsWith(BOUND) ? stored : this.#bind(contactId, stored);
  }

  #bind(contactId: string, valueHash: string): string {
    return BOUND + hmac(this.#contactKey, [contactId, valueHash]);
  }
}

function derive(dataKey: Uint8Array, label: string): Buffer {
  return createHmac('sha256', dataKey).update(label).digest();
}

/** Parts joined by NUL: neither a contact id nor a field key contains one, so no two inputs collide. */
function hmac(key: Buffer, parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('\0')).digest('base64url').slice(0, LENGTH);
}
