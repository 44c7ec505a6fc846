// Column storage of the restricted master: cost, bounds, convexity set and sparse coupling entries, growing in place.
import { resized, resizedEach } from '../../../src/typed-arrays.js';

/** Growable typed arrays: the master appends columns every round and reads them in tight loops. */
export class ColumnStore {
  count = 0;
  cost = new Float64Array(256);
  lower = new Float64Array(256);
  upper = new Float64Array(256);
  /** Convexity set (block) of the column, or -1. */
  set = new Int32Array(256);
  private scales = new Float64Array(256);
  start = new Int32Array(257);
  index = new Int32Array(4096);
  value = new Float64Array(4096);
  private nnz = 0;

  /** Appends a column; its entries (row, value) follow with entry(). Returns the column index. */
  add(cost: number, lower: number, upper: number, set: number): number {
    if (this.count + 1 >= this.cost.length) this.growCols();
    const j = this.count++;
    this.cost[j] = cost;
    this.lower[j] = lower;
    this.upper[j] = upper;
    this.set[j] = set;
    this.scales[j] = 0;
    this.start[j] = this.nnz;
    this.start[j + 1] = this.nnz;
    return j;
  }

  /** Adds an entry to the last column. */
  entry(row: number, value: number): void {
    if (value === 0) return;
    if (this.nnz >= this.index.length) {
      const size = this.index.length * 2;
      this.index = resized(this.index, size);
      this.value = resized(this.value, size);
    }
    this.index[this.nnz] = row;
    this.value[this.nnz++] = value;
    this.start[this.count] = this.nnz;
  }

  /**
   * Adds entries to existing columns (new rows of the master): `entries(j, emit)` emits column j's. Rebuilds the
   * entry arrays once; column lengths (and so their pricing scales) change.
   */
  insertEntries(entries: (j: number, emit: (row: number, value: number) => void) => void): void {
    const extraIndex: number[] = [];
    const extraValue: number[] = [];
    const extraStart = new Int32Array(this.count + 1);
    for (let j = 0; j < this.count; j++) {
      entries(j, (row, value) => {
        if (value !== 0) (extraIndex.push(row), extraValue.push(value));
      });
      extraStart[j + 1] = extraIndex.length;
    }
    const nnz = this.nnz + extraIndex.length;
    const cap = Math.max(this.index.length, nnz + 1);
    const index = new Int32Array(cap);
    const value = new Float64Array(cap);
    let k = 0;
    for (let j = 0; j < this.count; j++) {
      const s = this.start[j];
      const e = this.start[j + 1];
      this.start[j] = k;
      index.set(this.index.subarray(s, e), k);
      value.set(this.value.subarray(s, e), k);
      k += e - s;
      for (let q = extraStart[j]; q < extraStart[j + 1]; q++)
        ((index[k] = extraIndex[q]), (value[k++] = extraValue[q]));
      this.scales[j] = 0;
    }
    this.start[this.count] = k;
    this.index = index;
    this.value = value;
    this.nnz = k;
  }

  /** 1 / √(1 + ‖a_j‖²), computed once per column: pricing compares reduced costs per unit of column length. */
  scale(j: number): number {
    let v = this.scales[j];
    if (v === 0) {
      let s = 1;
      for (let k = this.start[j], e = this.start[j + 1]; k < e; k++) s += this.value[k] * this.value[k];
      v = this.scales[j] = 1 / Math.sqrt(s);
    }
    return v;
  }

  /** Σ y[row] × entry over column j. */
  dot(j: number, y: Float64Array): number {
    let s = 0;
    for (let k = this.start[j], e = this.start[j + 1]; k < e; k++) s += y[this.index[k]] * this.value[k];
    return s;
  }

  /** out += scale × column j (dense over rows). */
  scatter(j: number, scale: number, out: Float64Array): void {
    for (let k = this.start[j], e = this.start[j + 1]; k < e; k++) out[this.index[k]] += scale * this.value[k];
  }

  private growCols(): void {
    const cap = this.cost.length * 2;
    [this.cost, this.lower, this.upper, this.scales] = resizedEach(
      [this.cost, this.lower, this.upper, this.scales],
      cap,
    );
    this.set = resized(this.set, cap);
    this.start = resized(this.start, cap + 1);
  }
}
