import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from '../clock.js';

/** Letters and digits that cannot be misread over the phone (no 0/O, 1/I/L, 5/S, 8/B). */
const ALPHABET = 'ACDEFGHJKMNPQRTUVWXY2345679';
const LENGTH = 10;

/**
 * A new acknowledgement code, e.g. "KM4T-9XQA-2C": about 48 bits from the injected Random, in
 * groups so it can be read out on the phone. Only its hash is stored (ackCodeHash).
 */
export function newAckCode(random: Random): string {
  const bytes = random.bytes(LENGTH * 2);
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[bytes.readUInt16BE(i * 2) % ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What a person typed, as the code was made: capitals, no spaces or dashes. */
export function normaliseAckCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** Bound to the incident and tenant, so a code of one notice acknowledges no other. */
export function ackCodeHash(incidentId: string, tenantId: string, code: string): string {
  return createHash('sha256')
    .update(`koppel/ack/${incidentId}/${tenantId}/${normaliseAckCode(code)}`)
    .digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
