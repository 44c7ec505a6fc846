// SafeIntegerSet against the built-in Set under random adds, look-ups and deletions (deletion shifts probe chains).
import { describe, expect, it } from 'vitest';
import { SafeIntegerSet } from '../../../src/io/mqtt/safe-integer-set.js';
import { mulberry32 } from '../../../src/random.js';

describe('SafeIntegerSet', () => {
  it('answers as a Set does', () => {
    const rnd = mulberry32(3);
    const ours = new SafeIntegerSet();
    const ref = new Set<number>();
    // a small key range makes collisions, re-adds and deletions of present keys frequent; large and negative keys too
    const key = () => {
      const r = rnd();
      if (r < 0.6) return Math.floor(rnd() * 5000);
      if (r < 0.8) return Math.floor(rnd() * 2 ** 52) - 2 ** 51;
      return Math.floor(rnd() * 50) * 4294967296 + Math.floor(rnd() * 3);
    };
    for (let i = 0; i < 200_000; i++) {
      const k = key();
      const op = rnd();
      if (op < 0.5) {
        expect(ours.add(k)).toBe(!ref.has(k));
        ref.add(k);
      } else if (op < 0.8) {
        ours.delete(k);
        ref.delete(k);
      } else expect(ours.has(k)).toBe(ref.has(k));
      expect(ours.size).toBe(ref.size);
    }
    for (const k of ref) expect(ours.has(k)).toBe(true);
  });
});
