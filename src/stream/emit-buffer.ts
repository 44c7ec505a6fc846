// Column-wise window results as a worker emits them: one row per (key, window, revision).
import { resized } from '../typed-arrays.js';

export interface WindowResultColumns {
  operator: number;
  key: Float64Array;
  start: Float64Array;
  end: Float64Array;
  revision: Float64Array;
  /** One column per aggregate of the operator, in its declared order. */
  values: Float64Array[];
}

/**
 * Growable typed columns: a window boundary can close every key of an operator at once (a burst of
 * hundreds of thousands of rows), so rows are written in place rather than pushed onto arrays.
 */
export class EmitBuffer {
  length = 0;
  private capacity = 256;
  private key: Float64Array<ArrayBuffer> = new Float64Array(this.capacity);
  private start: Float64Array<ArrayBuffer> = new Float64Array(this.capacity);
  private end: Float64Array<ArrayBuffer> = new Float64Array(this.capacity);
  private revision: Float64Array<ArrayBuffer> = new Float64Array(this.capacity);
  private values: Float64Array<ArrayBuffer>[];

  constructor(
    readonly operator: number,
    aggregateCount: number,
  ) {
    this.values = Array.from({ length: aggregateCount }, () => new Float64Array(this.capacity));
  }

  /** Appends a row; its aggregate values follow through `setValue`. */
  push(key: number, start: number, end: number, revision: number): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.key[i] = key;
    this.start[i] = start;
    this.end[i] = end;
    this.revision[i] = revision;
  }

  /** Sets aggregate `a` of the row pushed last. */
  setValue(a: number, value: number): void {
    this.values[a][this.length - 1] = value;
  }

  private grow(): void {
    const n = this.capacity * 2;
    this.key = resized(this.key, n);
    this.start = resized(this.start, n);
    this.end = resized(this.end, n);
    this.revision = resized(this.revision, n);
    this.values = this.values.map((v) => resized(v, n));
    this.capacity = n;
  }

  /** Hands the rows over as exactly-sized typed columns (ready to transfer) and empties the buffer. */
  take(): WindowResultColumns {
    const n = this.length;
    this.length = 0;
    return {
      operator: this.operator,
      key: this.key.slice(0, n),
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      revision: this.revision.slice(0, n),
      values: this.values.map((v) => v.slice(0, n)),
    };
  }
}

/** The buffers of result columns, for a zero-copy transfer between threads. */
export function resultBuffers(cols: WindowResultColumns): ArrayBuffer[] {
  return [cols.key, cols.start, cols.end, cols.revision, ...cols.values].map((a) => a.buffer as ArrayBuffer);
}
