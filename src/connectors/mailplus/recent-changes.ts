/**
 * The changes the updates feed yielded recently, kept in memory so a later window that reads them again
 * (the head overlap, the re-check of a matured slice) drops them without handing them to the sync.
 * After a load of a million contacts that is hundreds of thousands of `externalId@lastChanged` keys:
 * as strings ~60 MiB, here 8 bytes each (a 53-bit hash in a sorted Float64Array per pass). A hash
 * collision would drop a real change as already seen; with at most a few hundred thousand keys in the
 * arrays whose time range covers a change, the chance is below 1e-10 per change. Lost on a restart: the
 * feed then yields those echoes again and the sync drops them by hash (slower, never wrong).
 */
export class RecentChanges {
  readonly #passes: { minAt: number; maxAt: number; keys: Float64Array }[] = [];

  /** Whether the change of `externalId` stamped `at` was recorded. */
  has(externalId: string, at: number): boolean {
    const passes = this.#passes;
    if (passes.length === 0) return false;
    const key = keyOf(externalId, at);
    for (const pass of passes) {
      if (at < pass.minAt || at > pass.maxAt) continue;
      if (contains(pass.keys, key)) return true;
    }
    return false;
  }

  /** Records what one completed pass yielded. */
  add(changes: Recorder): void {
    const keys = changes.take();
    if (keys.length === 0) return;
    keys.sort();
    this.#passes.push({ minAt: changes.minAt, maxAt: changes.maxAt, keys });
  }

  /** Forgets passes whose every change lies before `ms`: no window reads them again. */
  forgetBefore(ms: number): void {
    for (let i = this.#passes.length - 1; i >= 0; i--)
      if (this.#passes[i]!.maxAt < ms) this.#passes.splice(i, 1);
  }

  /** How many keys are held (for tests and the benchmark). */
  get size(): number {
    return this.#passes.reduce((n, p) => n + p.keys.length, 0);
  }
}

/** Collects the keys of one pass; they count only once the pass is `add`ed (after it completed). */
export class Recorder {
  #keys = new Float64Array(1024);
  #n = 0;
  minAt = Number.POSITIVE_INFINITY;
  maxAt = Number.NEGATIVE_INFINITY;

  record(externalId: string, at: number): void {
    if (this.#n === this.#keys.length) {
      const grown = new Float64Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys[this.#n++] = keyOf(externalId, at);
    if (at < this.minAt) this.minAt = at;
    if (at > this.maxAt) this.maxAt = at;
  }

  take(): Float64Array {
    // A view when the buffer is mostly used: no second copy of a million keys at the peak.
    const keys =
      this.#n * 4 >= this.#keys.length * 3 ? this.#keys.subarray(0, this.#n) : this.#keys.slice(0, this.#n);
    this.#keys = new Float64Array(0);
    this.#n = 0;
    return keys;
  }
}

function contains(sorted: Float64Array, key: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === key;
}

/** cyrb53 (public domain): a fast 53-bit string hash; the timestamp is mixed in as a second part. */
function keyOf(externalId: string, at: number): number {
  let h1 = 0xdeadbeef ^ (at >>> 0);
  let h2 = 0x41c6ce57 ^ Math.floor(at / 2 ** 32);
  for (let i = 0; i < externalId.length; i++) {
    const ch = externalId.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
