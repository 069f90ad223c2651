/** Deterministic test data for the queue benchmark: ~1 KiB contact-like JSON payloads and order keys. */

/** mulberry32, seedable so every run enqueues the same shape of traffic. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Bram', 'Chantal', 'Daan', 'Eva', 'Finn', 'Greetje', 'Hugo', 'Iris', 'Jesse', 'Lotte'];
const LAST = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos', 'Vos'];
const CITIES = ['Amsterdam', 'Utrecht', 'Rotterdam', 'Groningen', 'Eindhoven', 'Zwolle', 'Leiden', 'Breda'];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

/**
 * A contact change as the sync would queue it, padded with random text so that its JSON is exactly
 * `bytes` long (for any bytes above ~600). Random text keeps the payloads distinct and incompressible-ish.
 */
export function contactPayload(random: () => number, bytes: number): Record<string, unknown> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const text = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
    return s;
  };
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
    return s;
  };
  const first = pick(FIRST);
  const last = pick(LAST);
  const value: Record<string, unknown> = {
    op: 'upsert',
    source: 'dataverse',
    contactid: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    modifiedon: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 8.64e9)).toISOString(),
    firstname: first,
    lastname: last,
    emailaddress1: `${first}.${last}.${hex(4)}@example.nl`.replace(/ /g, '').toLowerCase(),
    telephone1: `+316${Math.floor(random() * 1e8)
      .toString()
      .padStart(8, '0')}`,
    address1_city: pick(CITIES),
    address1_postalcode: `${1000 + Math.floor(random() * 8999)} ${text(2).toUpperCase()}`,
    donotbulkemail: random() < 0.1,
    permissions: { newsletter: random() < 0.7, events: random() < 0.4, surveys: random() < 0.2 },
    tags: Array.from({ length: 1 + Math.floor(random() * 4) }, () => text(6).trim() || 'tag'),
    description: '',
  };
  const room = bytes - JSON.stringify(value).length;
  value.description = text(Math.max(0, room)).replace(/ /g, '_');
  return value;
}

/** `count` distinct payloads of `bytes` JSON bytes each, from one seed. */
export function payloadPool(seed: number, count: number, bytes: number): Record<string, unknown>[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => contactPayload(random, bytes));
}
