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

  /** Where the bytes counted by the last `room` call start. */
  private at = 0;

  /**
   * Makes room for `n` more bytes and counts them written, from `at`; returns the view to write them through. Growing
   * replaces `buf` and `view`, so a writer takes the view from this call, not from a field read before it.
   */
  private room(n: number): DataView {
    const at = this.length;
    if (at + n > this.buf.length) {
      this.buf = resized(this.buf, doubledCapacity(this.buf.length * 2, at + n), at);
      this.view = new DataView(this.buf.buffer);
    }
    this.length = at + n;
    this.at = at;
    return this.view;
  }

  u8(v: number): void {
    this.room(1).setUint8(this.at, v);
  }

  u16(v: number): void {
    this.room(2).setUint16(this.at, v, true);
  }

  u32(v: number): void {
    this.room(4).setUint32(this.at, v, true);
  }

  i32(v: number): void {
    this.room(4).setInt32(this.at, v, true);
  }

  f64(v: number): void {
    this.room(8).setFloat64(this.at, v, true);
  }

  /** Overwrites a u32 written earlier (a length known only once what follows it is written). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  raw(src: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    this.buf.set(src.subarray(from, to), this.at);
  }

  /** Drops what was written after `length` (a record that turned out not to be needed). */
  truncate(length: number): void {
    this.length = length;
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

  /** Counts the next `n` bytes read: where they start; past the record's end the record is corrupt. */
  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new StateFormatError(`window state record ends after ${at} of ${this.end} bytes`);
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.buf[this.take(1)];
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  /** A view of the next `n` bytes. */
  raw(n: number): Uint8Array {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }

  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  get done(): boolean {
    return this.pos === this.end;
  }
}
