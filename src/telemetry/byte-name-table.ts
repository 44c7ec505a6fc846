// Names to their indexes by their UTF-8 bytes: the fast decoders resolve sensor and metric ids without making strings.
import { doubledCapacity, resized } from '../typed-arrays.js';

/**
 * Open-addressing table from the UTF-8 bytes of a name to its index, compared byte for byte. The names live in
 * one byte array with offsets, about 20 bytes per name, since a city or a benchmark may declare millions of sensors.
 */
export class ByteNameTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly bytes: Uint8Array;
  private readonly offsets: Int32Array;

  constructor(names: readonly string[]) {
    const enc = new TextEncoder();
    this.offsets = new Int32Array(names.length + 1);
    let buf = new Uint8Array(Math.max(64, names.length * 12));
    let at = 0;
    names.forEach((name, id) => {
      if (buf.length - at < name.length * 3) {
        buf = resized(buf, Math.max(buf.length * 2, at + name.length * 3), at);
      }
      at += enc.encodeInto(name, buf.subarray(at)).written;
      this.offsets[id + 1] = at;
    });
    this.bytes = buf.slice(0, at);
    const size = doubledCapacity(16, names.length * 2);
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < names.length; id++) {
      const from = this.offsets[id];
      let h = hash(this.bytes, from, this.offsets[id + 1] - from) & this.mask;
      while (this.slots[h] >= 0) h = (h + 1) & this.mask;
      this.slots[h] = id;
    }
  }

  /** Index of the name stored at bytes[from, from + len), or -1. */
  find(bytes: Uint8Array, from: number, len: number): number {
    let h = hash(bytes, from, len) & this.mask;
    for (;;) {
      const id = this.slots[h];
      if (id < 0) return -1;
      const start = this.offsets[id];
      if (this.offsets[id + 1] - start === len && this.same(start, bytes, from, len)) return id;
      h = (h + 1) & this.mask;
    }
  }

  private same(start: number, bytes: Uint8Array, from: number, len: number): boolean {
    const own = this.bytes;
    for (let i = 0; i < len; i++) if (own[start + i] !== bytes[from + i]) return false;
    return true;
  }
}

function hash(bytes: Uint8Array, from: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < from + len; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
