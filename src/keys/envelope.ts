import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/**
 * AES-256-GCM with associated data. Layout: [format 0x01][12-byte IV][16-byte tag][ciphertext].
 * The associated data is not stored: the reader must supply the same context (tenant, message id),
 * so a ciphertext moved to another row fails authentication.
 */
const FORMAT = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class IntegrityError extends Error {
  constructor(message = 'ciphertext failed authentication') {
    super(message);
    this.name = 'IntegrityError';
  }
}

/**
 * IVs come from a pool filled by one CSPRNG call per 512 IVs (randomBytes(12) per message cost more than
 * the encryption of a 1 KiB payload). Every IV is still 96 random bits, and each is handed out once.
 */
const IV_POOL_SIZE = 512 * IV_BYTES;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_SIZE));
    ivOffset = 0;
  }
  // GCM ciphertext is as long as the plaintext: write header and body straight into one buffer.
  const sealed = Buffer.allocUnsafe(HEADER_BYTES + plaintext.byteLength);
  sealed[0] = FORMAT;
  ivPool.copy(sealed, 1, ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  const cipher = createCipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  if (body.length + rest.length !== plaintext.byteLength) throw new Error('unexpected GCM output length');
  body.copy(sealed, HEADER_BYTES);
  rest.copy(sealed, HEADER_BYTES + body.length);
  cipher.getAuthTag().copy(sealed, 1 + IV_BYTES);
  return sealed;
}

export function open(key: Uint8Array, sealed: Uint8Array, associatedData: string): Buffer {
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (data.length < HEADER_BYTES || data[0] !== FORMAT) throw new IntegrityError('ciphertext is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES));
  try {
    const body = decipher.update(data.subarray(HEADER_BYTES));
    const rest = decipher.final(); // Throws unless the tag authenticates; GCM returns nothing here.
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch {
    throw new IntegrityError();
  }
}
