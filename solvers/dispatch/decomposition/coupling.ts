// The rows that couple DR resources (system target, feeder caps and feeder reduction limits) and their shortfall columns.
import type { DispatchProblem } from '../problem.js';
/** Where column entries go: the master's column store. */
export interface EntrySink {
  entry(row: number, value: number): void;
}

/**
 * Row layout of the master: the coupling rows come first, so their indices are fixed for the whole solve. Every
 * coupling row is Σ net reduction of its members in one interval (+ shortfall) against a bound.
 */
export class Coupling {
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  /** Target row per interval, -1 where the target is zero. */
  readonly targetRow: Int32Array;
  readonly capRow: (Int32Array | undefined)[];
  readonly maxRow: (Int32Array | undefined)[];
  /** Shortfall columns: one per target row and per feeder cap row, each with its row and cost. */
  readonly shortfallRow: number[] = [];
  readonly shortfallCost: number[] = [];
  private readonly n: number;

  constructor(p: DispatchProblem) {
    const n = (this.n = p.hours.length);
    const row = (lo: number, hi: number) => (this.rowLower.push(lo), this.rowUpper.push(hi), this.rowLower.length - 1);
    const shortfall = (r: number, t: number) => (
      this.shortfallRow.push(r),
      this.shortfallCost.push(p.penaltyPerKWh * p.hours[t]),
      r
    );
    const target = p.targetKW;
    this.targetRow = Int32Array.from({ length: n }, (_, t) =>
      target && target[t] > 0 ? shortfall(row(target[t], Infinity), t) : -1,
    );
    const hasMembers = p.feeders.map((_, f) => p.resources.some((r) => r.feeder === f));
    this.capRow = p.feeders.map((f) => {
      const { capKW, forecastKW } = f;
      if (!capKW || !forecastKW) return undefined;
      return Int32Array.from({ length: n }, (_, t) => shortfall(row(forecastKW[t] - capKW[t], Infinity), t));
    });
    this.maxRow = p.feeders.map((f, fi) =>
      f.maxReductionKW !== undefined && hasMembers[fi]
        ? Int32Array.from({ length: n }, () => row(-Infinity, f.maxReductionKW!))
        : undefined,
    );
  }

  /** The coupling rows of interval t in a fixed order (target, then each feeder's cap and limit rows), -1 where absent. */
  rowsAt(t: number): number[] {
    const out = [this.targetRow[t]];
    for (let f = 0; f < this.capRow.length; f++) out.push(this.capRow[f]?.[t] ?? -1, this.maxRow[f]?.[t] ?? -1);
    return out;
  }

  get numRows(): number {
    return this.rowLower.length;
  }

  /** Price per kW of net reduction in each interval for a member of `feeder`: the sum of its rows' duals. */
  netPrice(dual: Float64Array, feeder: number, out: Float64Array): Float64Array {
    const cap = feeder >= 0 ? this.capRow[feeder] : undefined;
    const max = feeder >= 0 ? this.maxRow[feeder] : undefined;
    for (let t = 0; t < this.n; t++) {
      const r = this.targetRow[t];
      let v = r >= 0 ? dual[r] : 0;
      if (cap) v += dual[cap[t]];
      if (max) v += dual[max[t]];
      out[t] = v;
    }
    return out;
  }

  /** Adds the coupling-row entries of a column whose net reduction is `net` (per interval) to the current column. */
  addNet(batch: EntrySink, feeder: number, net: ArrayLike<number>): void {
    const cap = feeder >= 0 ? this.capRow[feeder] : undefined;
    const max = feeder >= 0 ? this.maxRow[feeder] : undefined;
    for (let t = 0; t < this.n; t++) {
      const v = net[t];
      if (v === 0) continue;
      if (this.targetRow[t] >= 0) batch.entry(this.targetRow[t], v);
      if (cap) batch.entry(cap[t], v);
      if (max) batch.entry(max[t], v);
    }
  }

  /**
   * Moves duals into the multipliers a Lagrangian bound may use: ≥ rows non-negative, ≤ rows non-positive, and no
   * row priced above its shortfall penalty (the shortfall column's reduced cost must stay non-negative).
   */
  sanitize(dual: Float64Array): void {
    for (let r = 0; r < this.rowLower.length; r++) {
      if (this.rowUpper[r] === Infinity && dual[r] < 0) dual[r] = 0;
      if (this.rowLower[r] === -Infinity && dual[r] > 0) dual[r] = 0;
    }
    this.shortfallRow.forEach((r, k) => {
      if (dual[r] > this.shortfallCost[k]) dual[r] = this.shortfallCost[k];
    });
  }

  /** Σ dual × the bound it prices, over the coupling rows. */
  boundTerm(dual: Float64Array): number {
    let s = 0;
    for (let r = 0; r < this.rowLower.length; r++)
      if (dual[r] !== 0) s += dual[r] * (dual[r] > 0 ? this.rowLower[r] : this.rowUpper[r]);
    return s;
  }
}
