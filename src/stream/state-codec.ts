// Binary layout of checkpointed window state: a growable little-endian writer and its reader.
import { doubledCapacity, resized } from '../typed-arrays.js';

/** Appends numbers to one growing buffer; a checkpoint is many small records laid end to end. */
export class StateWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    this.buf = resized(this.buf, doubledCapacity(this.buf.length * 2, this.length + n), this.length);
    this.view = new DataView(this.buf.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  /** Overwrites a u32 written earlier (a length known only once what follows it is written). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  raw(src: Uint8Array, from: number, to: number): void {
    this.ensure(to - from);
    this.buf.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }

  /** Drops what was written after `length` (a record that turned out not to be needed). */
  truncate(length: number): void {
    this.length = length;
  }

  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** A copy of what was written, in a buffer of its own (for transfer to another thread). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class StateFormatError extends Error {}

/** Reads what a StateWriter wrote; running past the end means the record is corrupt. */
export class StateReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new StateFormatError(`window state record ends after ${this.pos} of ${this.end} bytes`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  /** A view of the next `n` bytes. */
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  get done(): boolean {
    return this.pos === this.end;
  }
}
