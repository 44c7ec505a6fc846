// A set of safe integers held as doubles in one Float64Array (open addressing, linear probing): the redelivery
// filter's millions of keys, most beyond the small-integer range, would otherwise each be a heap number in a Set.

const EMPTY = NaN;

function slotOf(k: number, mask: number): number {
  const lo = k >>> 0;
  const hi = Math.floor(k / 4294967296) | 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

export class SafeIntegerSet {
  private keys = new Float64Array(1024).fill(EMPTY);
  private mask = 1023;
  size = 0;

  has(k: number): boolean {
    const keys = this.keys;
    for (let i = slotOf(k, this.mask); ; i = (i + 1) & this.mask) {
      const v = keys[i];
      if (v !== v) return false;
      if (v === k) return true;
    }
  }

  /** Adds `k`; false when it was there already. */
  add(k: number): boolean {
    const keys = this.keys;
    let i = slotOf(k, this.mask);
    for (; ; i = (i + 1) & this.mask) {
      const v = keys[i];
      if (v !== v) break;
      if (v === k) return false;
    }
    keys[i] = k;
    if (++this.size * 2 > keys.length) this.resize(keys.length * 2);
    return true;
  }

  delete(k: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = slotOf(k, mask);
    for (; ; i = (i + 1) & mask) {
      const v = keys[i];
      if (v !== v) return;
      if (v === k) break;
    }
    // backward-shift deletion: the keys after the hole that probed past it move up, so no probe chain is broken
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = keys[j];
      if (v !== v) break;
      const home = slotOf(v, mask);
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        keys[i] = v;
        i = j;
      }
    }
    keys[i] = EMPTY;
    this.size--;
  }

  private resize(capacity: number): void {
    const old = this.keys;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.size = 0;
    for (const v of old) if (v === v) this.add(v);
  }
}
