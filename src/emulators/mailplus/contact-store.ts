import type { Clock, Random } from '../../clock.js';
import type { ContactResponseCode } from '../../connectors/mailplus/mailplus-types.js';
import type { AccountProperty } from './account-properties.js';
import { ChangeLog } from './change-log.js';
import { type Scalar, type ValidProperties, validateProperties } from './validation.js';

/**
 * The account's contacts and the rules Mail+ applies when they are written:
 * - externalId is the key; two contacts may share an e-mail address (spotler.md §1.7);
 * - update:false refuses an existing contact, PUT refuses a missing one; purge:true clears what the
 *   request leaves out, purge:false merges (§1.4);
 * - a globally opted-out contact (unsubscribe package, §1.6) cannot be re-subscribed through the API:
 *   a write that enables any permission is refused with CONTACT_OPTOUT and changes nothing, while a
 *   write that leaves permissions alone is applied and the opt-out stays;
 * - every successful write moves lastChanged, so koppel's own writes echo in the updates feed.
 */
export interface StoredContact {
  externalId: string;
  encryptedId: string;
  created: number;
  lastChanged: number;
  testGroup: boolean;
  values: Map<string, Scalar>;
  sets: Map<string, Map<number, boolean>>;
  optedOut: boolean;
}

export interface ContactWrite {
  externalId: string;
  properties?: Record<string, unknown>;
  testGroup?: boolean;
}

export interface WriteMode {
  allowCreate: boolean;
  allowUpdate: boolean;
  purge: boolean;
}

export type WriteResult = { code: 'OK' } | { code: Exclude<ContactResponseCode, 'OK'>; message: string };

export const PERMISSIONS = 'permissions';

export class ContactStore {
  readonly #contacts = new Map<string, StoredContact>();
  readonly #properties: Map<string, AccountProperty>;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly changes: ChangeLog;
  /** The largest pageSize `GET /contact/updates/list` serves. */
  readonly maxUpdatesPageSize: number;

  constructor(options: {
    clock: Clock;
    random: Random;
    properties: readonly AccountProperty[];
    lagMs: number;
    maxUpdatesPageSize: number;
  }) {
    this.maxUpdatesPageSize = options.maxUpdatesPageSize;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#properties = new Map(options.properties.map((p) => [p.name, p]));
    this.changes = new ChangeLog(options.clock, options.lagMs);
  }

  get properties(): AccountProperty[] {
    return [...this.#properties.values()];
  }

  get(externalId: string): StoredContact | undefined {
    return this.#contacts.get(externalId);
  }

  all(): StoredContact[] {
    return [...this.#contacts.values()];
  }

  write(input: ContactWrite, mode: WriteMode): WriteResult {
    if (
      input.properties !== undefined &&
      (typeof input.properties !== 'object' || input.properties === null)
    ) {
      return { code: 'PROPERTY_INVALID', message: 'properties must be an object' };
    }
    const validation = validateProperties(input.properties ?? {}, this.#properties);
    if (!validation.ok) return { code: 'PROPERTY_INVALID', message: validation.message };
    const existing = this.#contacts.get(input.externalId);
    if (existing && !mode.allowUpdate)
      return { code: 'CONTACT_ALREADY_EXISTS', message: 'Contact already exists' };
    if (!existing && !mode.allowCreate)
      return { code: 'CONTACT_UNKNOWN', message: 'Given contact not found' };
    if (existing?.optedOut && enablesPermission(validation.properties)) {
      return { code: 'CONTACT_OPTOUT', message: 'Contact has opted out and cannot be re-subscribed' };
    }
    const next = existing ? cloneContact(existing) : this.#newContact(input.externalId);
    applyProperties(next, validation.properties, mode.purge);
    if (input.testGroup !== undefined) next.testGroup = input.testGroup;
    if (!existing && !next.values.has('email') && !next.values.has('mobileNumber')) {
      return { code: 'NO_ACTIVE_CHANNEL', message: 'Contact has no e-mail address or mobile number' };
    }
    this.#save(next);
    return { code: 'OK' };
  }

  /** GDPR erasure: every property goes, the externalId stays so the id keeps resolving. */
  anonymize(externalId: string): boolean {
    const contact = this.#contacts.get(externalId);
    if (!contact) return false;
    contact.values.clear();
    contact.sets.clear();
    this.#touch(contact);
    return true;
  }

  /** The person used a global unsubscribe package: every permission off, and it sticks. */
  optOut(externalId: string): boolean {
    return this.#mutate(externalId, (contact) => {
      contact.optedOut = true;
      const permissions = contact.sets.get(PERMISSIONS) ?? new Map<number, boolean>();
      for (const entry of this.#properties.get(PERMISSIONS)?.entries ?? []) permissions.set(entry.bit, false);
      contact.sets.set(PERMISSIONS, permissions);
    });
  }

  /** A per-permission unsubscribe: the contact stays active for the other permissions. */
  setPermission(externalId: string, bit: number, enabled: boolean): boolean {
    return this.#mutate(externalId, (contact) => {
      const permissions = contact.sets.get(PERMISSIONS) ?? new Map<number, boolean>();
      permissions.set(bit, enabled);
      contact.sets.set(PERMISSIONS, permissions);
    });
  }

  /** Only the person can undo a global opt-out, e.g. by a subscribe form; not the API. */
  resubscribe(externalId: string, bits: readonly number[]): boolean {
    return this.#mutate(externalId, (contact) => {
      contact.optedOut = false;
      const permissions = contact.sets.get(PERMISSIONS) ?? new Map<number, boolean>();
      for (const bit of bits) permissions.set(bit, true);
      contact.sets.set(PERMISSIONS, permissions);
    });
  }

  #mutate(externalId: string, change: (contact: StoredContact) => void): boolean {
    const contact = this.#contacts.get(externalId);
    if (!contact) return false;
    change(contact);
    this.#touch(contact);
    return true;
  }

  #newContact(externalId: string): StoredContact {
    return {
      externalId,
      encryptedId: this.#random.bytes(12).toString('hex'),
      created: this.#clock.now(),
      lastChanged: 0,
      testGroup: false,
      values: new Map(),
      sets: new Map(),
      optedOut: false,
    };
  }

  #save(contact: StoredContact): void {
    this.#contacts.set(contact.externalId, contact);
    this.#touch(contact);
  }

  #touch(contact: StoredContact): void {
    contact.lastChanged = this.changes.record(contact.externalId);
  }
}

function enablesPermission(properties: ValidProperties): boolean {
  return [...(properties.sets.get(PERMISSIONS)?.values() ?? [])].some(Boolean);
}

function cloneContact(contact: StoredContact): StoredContact {
  const sets = new Map([...contact.sets].map(([name, bits]) => [name, new Map(bits)]));
  return { ...contact, values: new Map(contact.values), sets };
}

function applyProperties(contact: StoredContact, properties: ValidProperties, purge: boolean): void {
  if (purge) {
    for (const name of contact.values.keys()) if (!properties.values.has(name)) contact.values.delete(name);
    for (const name of contact.sets.keys()) if (!properties.sets.has(name)) contact.sets.delete(name);
  }
  for (const [name, value] of properties.values) {
    if (value === null) contact.values.delete(name);
    else contact.values.set(name, value);
  }
  for (const [name, bits] of properties.sets) {
    const current = purge
      ? new Map<number, boolean>()
      : (contact.sets.get(name) ?? new Map<number, boolean>());
    for (const [bit, enabled] of bits) current.set(bit, enabled);
    contact.sets.set(name, current);
  }
}
