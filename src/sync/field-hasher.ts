import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of field values (HMAC-SHA256 under a key derived from the tenant's data key), so koppel
 * can tell "changed" from "echo of our own write" without keeping the values. Without the tenant key
 * the hashes cannot be tested against guessed values, and shredding the key makes them meaningless.
 */
export class FieldHasher {
  readonly #key: Buffer;

  constructor(tenantDataKey: Uint8Array) {
    this.#key = createHmac('sha256', tenantDataKey).update('koppel/sync-field-hash/v1').digest();
  }

  hash(field: string, canonicalValue: string | null): string {
    return createHmac('sha256', this.#key)
      .update(field)
      .update('\0')
      .update(canonicalValue === null ? '\u0001null' : `=${canonicalValue}`)
      .digest('base64url')
      .slice(0, 22);
  }

  hashAll(values: Record<string, string | null>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(values).map(([field, value]) => [field, this.hash(field, value)]),
    );
  }
}
