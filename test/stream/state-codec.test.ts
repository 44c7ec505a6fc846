import { describe, expect, it } from 'vitest';
import { StateFormatError, StateReader, StateWriter } from '../../src/stream/state-codec.js';

describe('state codec', () => {
  it('reads back what it wrote across many growths of a small buffer', () => {
    // Four bytes to start with: nearly every write grows the buffer, which replaces the view it writes through.
    const w = new StateWriter(4);
    const bytes = new Uint8Array([9, 8, 7, 6, 5]);
    for (let i = 0; i < 2000; i++) {
      w.u8(i & 0xff);
      w.u16((i * 37) & 0xffff);
      w.u32((i * 2_654_435_761) >>> 0);
      w.i32(-3 * i || 0);
      w.f64(i / 7);
      w.raw(bytes, 1, 1 + (i % 5));
    }
    const out = w.bytes();
    expect(out.length).toBe(w.length);
    const r = new StateReader(out);
    for (let i = 0; i < 2000; i++) {
      expect(r.u8()).toBe(i & 0xff);
      expect(r.u16()).toBe((i * 37) & 0xffff);
      expect(r.u32()).toBe((i * 2_654_435_761) >>> 0);
      expect(r.i32()).toBe(-3 * i || 0);
      expect(r.f64()).toBe(i / 7);
      expect([...r.raw(i % 5)]).toEqual([...bytes.subarray(1, 1 + (i % 5))]);
    }
    expect(r.done).toBe(true);
  });

  it('overwrites a length written earlier, drops a truncated tail, and refuses to read past the end', () => {
    const w = new StateWriter(2);
    w.u32(0);
    const mark = w.length;
    w.f64(1.5);
    w.u16(7);
    w.setU32(0, w.length - mark);
    w.truncate(w.length - 2);
    const r = new StateReader(w.bytes());
    expect(r.u32()).toBe(10);
    expect(r.f64()).toBe(1.5);
    expect(r.done).toBe(true);
    expect(() => r.u16()).toThrow(StateFormatError);
  });
});
