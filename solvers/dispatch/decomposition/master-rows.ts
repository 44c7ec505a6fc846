// Which coupling rows the master holds: every target row, and a feeder's cap and limit rows only once a plan needs them.
import { resized } from '../../../src/typed-arrays.js';
import type { Coupling, EntrySink } from './coupling.js';
import type { GubSimplex } from './gub-simplex.js';

/**
 * Feeder caps and reduction limits add two rows per feeder and interval, about 1,800 at 1000 × 96 on 25 feeders, and
 * the master's working basis inverse is dense over its rows (O(m²) per iteration). Most of them are slack at the
 * optimum, so the master starts without them and takes a row once its plan breaks it: the master without a row is a
 * relaxation (its prices stay valid Lagrangian multipliers with the row's at 0), and a plan that keeps every row,
 * held or not, is optimal for the full master.
 *
 * Coupling rows keep their indices (the pricing and the bounds work over all of them); the master's rows are the
 * held ones in the order they were taken. Entries of columns in rows not yet held are kept here, by column, to be
 * written into the master when their row is taken.
 */
export class MasterRows {
  /** Master row of each coupling row, -1 while not held. */
  readonly masterRow: Int32Array;
  /** Coupling row of each master row. */
  readonly couplingRow: number[] = [];
  /** Entries in rows not held, by master column (compressed columns; start[c] … start[c + 1]). */
  private start = new Int32Array(257);
  private row = new Int32Array(4096);
  private value = new Float64Array(4096);
  private columns = 0;
  private size = 0;

  constructor(
    private readonly coupling: Coupling,
    held: (row: number) => boolean,
  ) {
    this.masterRow = new Int32Array(coupling.numRows).fill(-1);
    for (let r = 0; r < coupling.numRows; r++) if (held(r)) this.masterRow[r] = this.couplingRow.push(r) - 1;
  }

  get held(): number {
    return this.couplingRow.length;
  }

  /** Bounds of the held rows, in master order. */
  lower(): number[] {
    return this.couplingRow.map((r) => this.coupling.rowLower[r]);
  }

  upper(): number[] {
    return this.couplingRow.map((r) => this.coupling.rowUpper[r]);
  }

  /** Where the coupling entries of the master's newest column go: held rows into the master, the others kept here. */
  sink(master: GubSimplex): EntrySink {
    return {
      entry: (r: number, v: number) => {
        const mr = this.masterRow[r];
        if (mr >= 0) master.cols.entry(mr, v);
        else this.keep(master.cols.count - 1, r, v);
      },
    };
  }

  private keep(column: number, r: number, v: number): void {
    if (v === 0) return;
    this.reach(column);
    if (this.size >= this.row.length) {
      this.row = resized(this.row, this.row.length * 2);
      this.value = resized(this.value, this.value.length * 2);
    }
    this.row[this.size] = r;
    this.value[this.size++] = v;
    this.start[this.columns] = this.size;
  }

  /** Opens columns up to `column` (empty ones in between). */
  private reach(column: number): void {
    if (column + 2 > this.start.length) this.start = resized(this.start, Math.max(column + 2, this.start.length * 2));
    while (this.columns <= column) this.start[++this.columns] = this.size;
  }

  /** Per coupling row not held: Σ entry × x over the columns, the row's activity (0 for held rows). */
  activity(x: Float64Array, count: number): Float64Array {
    const out = new Float64Array(this.coupling.numRows);
    const end = Math.min(count, this.columns);
    for (let j = 0; j < end; j++) {
      const v = x[j];
      if (v === 0) continue;
      for (let k = this.start[j]; k < this.start[j + 1]; k++) out[this.row[k]] += v * this.value[k];
    }
    return out;
  }

  /** Coupling rows not held whose bounds the plan `x` breaks (relative tolerance `tol`). */
  violated(x: Float64Array, count: number, tol: number): number[] {
    const act = this.activity(x, count);
    const { rowLower, rowUpper } = this.coupling;
    const out: number[] = [];
    for (let r = 0; r < act.length; r++) {
      if (this.masterRow[r] >= 0) continue;
      const lo = rowLower[r];
      const hi = rowUpper[r];
      if (act[r] < lo - tol * Math.max(1, Math.abs(lo)) || act[r] > hi + tol * Math.max(1, Math.abs(hi))) out.push(r);
    }
    return out;
  }

  /**
   * Takes coupling rows into the master (their logicals basic, possibly outside their bounds: the caller adds a unit
   * column for each and crashes). Returns their master rows.
   */
  take(master: GubSimplex, rows: readonly number[]): number[] {
    const first = this.couplingRow.length;
    for (const r of rows) this.masterRow[r] = this.couplingRow.push(r) - 1;
    const { masterRow, start, row, value } = this;
    master.addRows(
      rows.map((r) => this.coupling.rowLower[r]),
      rows.map((r) => this.coupling.rowUpper[r]),
      (j, emit) => {
        if (j >= this.columns) return;
        for (let k = start[j]; k < start[j + 1]; k++) if (masterRow[row[k]] >= first) emit(masterRow[row[k]], value[k]);
      },
    );
    // drop the entries now written into the master
    let kept = 0;
    for (let j = 0; j < this.columns; j++) {
      const s = start[j];
      const e = start[j + 1];
      start[j] = kept;
      for (let k = s; k < e; k++) if (masterRow[row[k]] < 0) ((row[kept] = row[k]), (value[kept++] = value[k]));
    }
    start[this.columns] = kept;
    this.size = kept;
    return rows.map((r) => masterRow[r]);
  }

  /** Master values (duals) spread over the coupling rows, 0 for rows not held. */
  toCoupling(masterValues: Float64Array): Float64Array {
    const out = new Float64Array(this.coupling.numRows);
    this.couplingRow.forEach((r, k) => (out[r] = masterValues[k]));
    return out;
  }
}
