import { IntegrityError, open, seal } from '../keys/envelope.js';
import type { KeyRing } from '../keys/key-ring.js';

/** The associated data binds a ciphertext to its row: moved to another tenant, queue or message, it fails. */
const context = (tenantId: string, queue: string, messageId: string) =>
  `koppel/queue/${tenantId}/${queue}/${messageId}`;

export interface SealedPayload {
  keyVersion: number;
  payload: Buffer;
}

export class PayloadCodec {
  constructor(private readonly keys: KeyRing) {}

  async seal(tenantId: string, queue: string, messageId: string, value: unknown): Promise<SealedPayload> {
    const dataKey = await this.keys.current(tenantId);
    const plaintext = Buffer.from(JSON.stringify(value ?? null), 'utf8');
    return {
      keyVersion: dataKey.version,
      payload: seal(dataKey.key, plaintext, context(tenantId, queue, messageId)),
    };
  }

  /** Throws IntegrityError when the ciphertext was altered or moved, KeyDestroyedError after offboarding. */
  async open(row: {
    tenant_id: string;
    queue: string;
    message_id: string;
    key_version: number;
    payload: Uint8Array;
  }): Promise<unknown> {
    // SQLite stores whatever type it is given: a payload written as TEXT (by hand, or by a tool that
    // decoded the BLOB) is not koppel's ciphertext, and must be dead-lettered like any altered one.
    if (!(row.payload instanceof Uint8Array))
      throw new IntegrityError('the payload is not binary ciphertext');
    const dataKey = await this.keys.version(row.tenant_id, row.key_version);
    const plaintext = open(dataKey.key, row.payload, context(row.tenant_id, row.queue, row.message_id));
    return JSON.parse(plaintext.toString('utf8'));
  }
}
