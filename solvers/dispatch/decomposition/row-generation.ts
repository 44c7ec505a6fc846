// Exact best response of a block whose method leaves some of its rules aside: a small column generation per block.
import type { LocalRow } from './block.js';
import { GubSimplex } from './gub-simplex.js';

/** Minimizes Σ a·primary + Σ b·secondary over the polytope the method knows; writes the plan, returns the minimum. */
export type BlockMethod = (a: Float64Array, b: Float64Array, primary: Float64Array, secondary: Float64Array | undefined) => number;

/** Plans kept between calls; the oldest that the last optimum did not use go first. */
const MAX_PLANS = 48;
const MAX_ITERATIONS = 500;

/**
 * The block LP is min over P ∩ R, where `method` solves min over P exactly (a path dynamic program) and R are local
 * rows it cannot take (ramps on a storage, HVAC windows that are no run limit). Dantzig-Wolfe on the block alone:
 * plans of P mixed in a tiny master over the rows of R found violated, priced by `method` with the rows' duals on
 * the setpoint. Plans and rows persist across calls, so a call with nearby prices needs few iterations.
 */
export class RowGeneration {
  private readonly primaries: Float64Array[] = [];
  private readonly secondaries: (Float64Array | undefined)[] = [];
  private readonly active: number[] = [];
  private master!: GubSimplex;
  private readonly a2: Float64Array;
  private readonly b2: Float64Array;
  private readonly sp: Float64Array;
  private readonly p: Float64Array;
  private readonly s: Float64Array | undefined;
  iterations = 0;

  constructor(
    private readonly method: BlockMethod,
    private readonly rows: readonly LocalRow[],
    n: number,
    private readonly secondary: boolean,
  ) {
    this.a2 = new Float64Array(n);
    this.b2 = new Float64Array(n);
    this.sp = new Float64Array(n);
    this.p = new Float64Array(n);
    this.s = secondary ? new Float64Array(n) : undefined;
    // doing nothing satisfies every ramp and window: the first plan, and the key of the master's one set
    this.primaries.push(new Float64Array(n));
    this.secondaries.push(secondary ? new Float64Array(n) : undefined);
    this.rebuild();
  }

  private activity(row: LocalRow, k: number): number {
    const pr = this.primaries[k];
    const se = this.secondaries[k];
    let v = 0;
    for (let j = 0; j < row.t.length; j++) v += row.coef[j] * (pr[row.t[j]] - (se ? se[row.t[j]] : 0));
    return v;
  }

  /** A fresh master over the active rows and the kept plans (rows are few and found early, so this is rare). */
  private rebuild(): void {
    const rows = this.active.map((r) => this.rows[r]);
    const m = new GubSimplex(
      rows.map((r) => r.lo),
      rows.map((r) => r.hi),
    );
    const set = m.addSet();
    for (let k = 0; k < this.primaries.length; k++) {
      m.addColumn(0, 0, Infinity, set);
      rows.forEach((row, i) => m.cols.entry(i, this.activity(row, k)));
    }
    m.crash();
    this.master = m;
  }

  private planCost(k: number, a: Float64Array, b: Float64Array): number {
    const pr = this.primaries[k];
    const se = this.secondaries[k];
    let c = 0;
    for (let t = 0; t < a.length; t++) c += a[t] * pr[t] + (se ? b[t] * se[t] : 0);
    return c;
  }

  /** Adds the rows the master's current mix violates; returns how many. */
  private separate(): number {
    const { sp, master } = this;
    sp.fill(0);
    const col0 = master.m;
    for (let k = 0; k < this.primaries.length; k++) {
      const w = master.x[col0 + k];
      if (!(w > 0)) continue;
      const pr = this.primaries[k];
      const se = this.secondaries[k];
      for (let t = 0; t < sp.length; t++) sp[t] += w * (pr[t] - (se ? se[t] : 0));
    }
    let added = 0;
    this.rows.forEach((row, r) => {
      let v = 0;
      for (let j = 0; j < row.t.length; j++) v += row.coef[j] * sp[row.t[j]];
      const tol = 1e-9 * Math.max(1, Number.isFinite(row.lo) ? Math.abs(row.lo) : 0, Number.isFinite(row.hi) ? Math.abs(row.hi) : 0);
      if ((v < row.lo - tol || v > row.hi + tol) && !this.active.includes(r)) this.active.push(r), added++;
    });
    return added;
  }

  /** Drops old plans the master does not use, keeping the zero plan, before a rebuild. */
  private prune(): void {
    if (this.primaries.length <= MAX_PLANS) return;
    const col0 = this.master.m;
    const keep = this.primaries.map((_, k) => k === 0 || this.master.x[col0 + k] > 0 || k >= this.primaries.length - MAX_PLANS / 2);
    for (let k = this.primaries.length - 1; k >= 0; k--) {
      if (keep[k]) continue;
      this.primaries.splice(k, 1);
      this.secondaries.splice(k, 1);
    }
  }

  /** Writes the optimal plan of the block LP under costs (a, b) and returns a lower bound on its value (equal at the optimum). */
  solve(a: Float64Array, b: Float64Array, primary: Float64Array, secondary: Float64Array | undefined): number {
    const { a2, b2 } = this;
    let dirty = true;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      this.iterations++;
      const m = this.master;
      if (dirty) {
        for (let k = 0; k < this.primaries.length; k++) m.setCost(m.m + k, this.planCost(k, a, b));
        m.refactor();
        dirty = false;
      }
      if (!m.solve().optimal) throw new Error('block master did not converge');
      if (this.separate() > 0) {
        this.prune();
        this.rebuild();
        dirty = true;
        continue;
      }
      // price with the rows' duals moved onto the setpoint; the Lagrangian bound is Σ dual × bound + the priced minimum
      a2.set(a);
      b2.set(b);
      let bound = 0;
      this.active.forEach((r, i) => {
        const row = this.rows[r];
        const nu = m.pi[i];
        // a dual pointing at an infinite bound is round-off on a slack row: it prices nothing
        if (nu === 0 || (nu > 0 ? row.lo : row.hi) === (nu > 0 ? -Infinity : Infinity)) return;
        bound += nu * (nu > 0 ? row.lo : row.hi);
        for (let j = 0; j < row.t.length; j++) (a2[row.t[j]] -= nu * row.coef[j]), (b2[row.t[j]] += nu * row.coef[j]);
      });
      const value = this.method(a2, b2, this.p, this.s);
      const objective = m.objective();
      bound += value;
      if (value - m.setDual(0) >= -1e-10 * Math.max(1, Math.abs(objective))) {
        this.mix(primary, secondary);
        return Math.min(objective, bound);
      }
      this.primaries.push(this.p.slice());
      this.secondaries.push(this.s?.slice());
      m.addColumn(this.planCost(this.primaries.length - 1, a, b), 0, Infinity, 0);
      const k = this.primaries.length - 1;
      this.active.forEach((r, i) => m.cols.entry(i, this.activity(this.rows[r], k)));
    }
    throw new Error('block column generation did not converge');
  }

  private mix(primary: Float64Array, secondary: Float64Array | undefined): void {
    const col0 = this.master.m;
    primary.fill(0);
    secondary?.fill(0);
    for (let k = 0; k < this.primaries.length; k++) {
      const w = this.master.x[col0 + k];
      if (!(w > 0)) continue;
      const pr = this.primaries[k];
      const se = this.secondaries[k];
      for (let t = 0; t < primary.length; t++) {
        primary[t] += w * pr[t];
        if (secondary && se) secondary[t] += w * se[t];
      }
    }
  }
}
