// Exact best response of a block whose method leaves some of its rules aside: a small column generation per block.
import type { LocalRow } from './block.js';
import type { Plan } from './oracle.js';
import { SmallLp } from './small-lp.js';
import { DecompositionNumericalError } from './numerical-error.js';
import { float64Vectors } from '../../../src/typed-arrays.js';

/** Minimizes Σ a·primary + Σ b·secondary (+ call costs) over the set the method knows; writes the plan, returns the minimum. */
export type BlockMethod = (a: Float64Array, b: Float64Array, plan: Plan) => number;

/** Plans kept between calls; the oldest that the last optimum did not use go first. */
const MAX_PLANS = 48;
const MAX_ITERATIONS = 500;

interface Kept {
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
  readonly on?: Float64Array;
  readonly callCost: number;
}

/** Working memory of row generation, shared by the blocks one thread prices (one solves at a time). */
export class RowScratch {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly sp: Float64Array;
  readonly primary: Float64Array;
  readonly secondary: Float64Array;
  readonly on: Float64Array;

  constructor(readonly n: number) {
    [this.a, this.b, this.sp, this.primary, this.secondary, this.on] = float64Vectors(6, n);
  }
}

/**
 * The block LP is min over conv(P) ∩ R, where `method` solves min over P exactly (a path dynamic program, or a call
 * pattern program for MIP blocks) and R are local rows it cannot take (ramps on storages, HVAC and called loads;
 * HVAC windows that are no run limit). Dantzig-Wolfe on the block alone: plans of P mixed in a tiny master over the
 * rows of R found violated, priced by `method` with the rows' duals on the setpoint. Plans and rows persist across
 * calls, so a call with nearby prices needs few iterations.
 */
export class RowGeneration {
  private readonly plans: Kept[] = [];
  private readonly active: number[] = [];
  private master!: SmallLp;
  private readonly a2: Float64Array;
  private readonly b2: Float64Array;
  private readonly sp: Float64Array;
  private readonly scratch: Plan;
  /** Whether the last solve() proved its plan optimal (it stops early when given an iteration budget). */
  exact = true;

  constructor(
    private readonly method: BlockMethod,
    private readonly rows: readonly LocalRow[],
    n: number,
    secondary: boolean,
    calls: boolean,
    shared: RowScratch = new RowScratch(n),
  ) {
    if (shared.n < n) throw new Error('row generation scratch is shorter than the horizon');
    this.a2 = shared.a;
    this.b2 = shared.b;
    this.sp = shared.sp;
    this.scratch = {
      primary: shared.primary,
      ...(secondary ? { secondary: shared.secondary } : {}),
      ...(calls ? { on: shared.on } : {}),
      callCost: 0,
    };
    // doing nothing satisfies every ramp and window: the first plan, and the first basis of the master
    this.plans.push({
      primary: new Float64Array(n),
      ...(secondary ? { secondary: new Float64Array(n) } : {}),
      ...(calls ? { on: new Float64Array(n) } : {}),
      callCost: 0,
    });
    this.rebuild();
  }

  private activity(row: LocalRow, k: number): number {
    const { primary: pr, secondary: se } = this.plans[k];
    let v = 0;
    for (let j = 0; j < row.t.length; j++) v += row.coef[j] * (pr[row.t[j]] - (se ? se[row.t[j]] : 0));
    return v;
  }

  /** A fresh master over the active rows and the kept plans. */
  private rebuild(): void {
    const m = new SmallLp(this.rows.length, Math.max(16, this.plans.length + 8));
    for (const r of this.active) m.addRow(this.rows[r].lo, this.rows[r].hi, () => 0);
    for (let k = 0; k < this.plans.length; k++)
      m.addPlan(0, (row) => this.activity(this.rows[this.active[row - 1]], k));
    this.master = m;
  }

  private planCost(k: number, a: Float64Array, b: Float64Array): number {
    const { primary: pr, secondary: se, callCost } = this.plans[k];
    let c = callCost;
    for (let t = 0; t < a.length; t++) c += a[t] * pr[t] + (se ? b[t] * se[t] : 0);
    return c;
  }

  /** Adds the rows the master's current mix violates to it; returns how many (−1 if the master had to be rebuilt). */
  private separate(): number {
    const { sp, master } = this;
    sp.fill(0);
    for (let k = 0; k < this.plans.length; k++) {
      const w = master.weight(k);
      if (!(w > 0)) continue;
      const { primary: pr, secondary: se } = this.plans[k];
      for (let t = 0; t < sp.length; t++) sp[t] += w * (pr[t] - (se ? se[t] : 0));
    }
    const violated: number[] = [];
    this.rows.forEach((row, r) => {
      let v = 0;
      for (let j = 0; j < row.t.length; j++) v += row.coef[j] * sp[row.t[j]];
      const tol =
        1e-9 *
        Math.max(1, Number.isFinite(row.lo) ? Math.abs(row.lo) : 0, Number.isFinite(row.hi) ? Math.abs(row.hi) : 0);
      if ((v < row.lo - tol || v > row.hi + tol) && !this.active.includes(r)) violated.push(r);
    });
    for (const r of violated) {
      this.active.push(r);
      const row = this.rows[r];
      if (!master.addRow(row.lo, row.hi, (k) => this.activity(row, k))) {
        this.prune();
        this.rebuild();
        return -1;
      }
    }
    return violated.length;
  }

  /** Drops old plans the master does not use, keeping the zero plan, before a rebuild. */
  private prune(): void {
    if (this.plans.length <= MAX_PLANS) return;
    const n = this.plans.length;
    const keep = this.plans.map((_, k) => k === 0 || this.master.weight(k) > 0 || k >= n - MAX_PLANS / 2);
    for (let k = n - 1; k >= 0; k--) if (!keep[k]) this.plans.splice(k, 1);
  }

  /** Whether the plan is already in the master (round-off can make a known plan look improving). */
  private known(p: Plan): boolean {
    const last = this.plans.length - 1;
    const close = (x: Float64Array, y: Float64Array) => {
      for (let t = 0; t < x.length; t++) if (Math.abs(x[t] - y[t]) > 1e-9 * (1 + Math.abs(y[t]))) return false;
      return true;
    };
    for (let k = last; k >= Math.max(0, last - 8); k--) {
      const q = this.plans[k];
      if (
        close(q.primary, p.primary) &&
        (!q.secondary || close(q.secondary, p.secondary!)) &&
        (!q.on || close(q.on, p.on!))
      )
        return true;
    }
    return false;
  }

  /**
   * Writes the optimal plan under costs (a, b) and returns a lower bound on its value, equal at the optimum. With a
   * `budget` of pricing iterations it may stop before: the plan is then feasible, not optimal (see `exact`).
   */
  solve(a: Float64Array, b: Float64Array, out: Plan, budget = MAX_ITERATIONS): number {
    const { a2, b2, scratch } = this;
    let dirty = true;
    let bestBound = -Infinity;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      const m = this.master;
      if (dirty) {
        for (let k = 0; k < this.plans.length; k++) m.setCost(k, this.planCost(k, a, b));
        m.repriced();
        dirty = false;
      }
      if (!m.solve()) throw new DecompositionNumericalError('no-convergence', 'block master did not converge');
      let added = this.separate();
      while (added > 0) {
        if (!m.solve()) throw new DecompositionNumericalError('no-convergence', 'block master did not converge');
        added = this.separate();
      }
      if (added < 0) {
        dirty = true;
        continue;
      }
      // price with the rows' duals moved onto the setpoint; the Lagrangian bound is Σ dual × bound + the priced minimum
      a2.set(a);
      b2.set(b);
      let bound = 0;
      this.active.forEach((r, i) => {
        const row = this.rows[r];
        const nu = m.dual(i + 1);
        // a dual pointing at an infinite bound is round-off on a slack row: it prices nothing
        if (nu === 0 || (nu > 0 ? row.lo : row.hi) === (nu > 0 ? -Infinity : Infinity)) return;
        bound += nu * (nu > 0 ? row.lo : row.hi);
        for (let j = 0; j < row.t.length; j++) ((a2[row.t[j]] -= nu * row.coef[j]), (b2[row.t[j]] += nu * row.coef[j]));
      });
      const value = this.method(a2, b2, scratch);
      const objective = m.objective();
      bestBound = Math.max(bestBound, bound + value);
      const converged =
        value - m.convexityDual >= -1e-9 * Math.max(1, Math.abs(objective), Math.abs(value)) || this.known(scratch);
      if (converged || it + 1 >= budget) {
        this.exact = converged;
        this.mix(out);
        return Math.min(objective, bestBound);
      }
      this.plans.push({
        primary: scratch.primary.slice(),
        ...(scratch.secondary ? { secondary: scratch.secondary.slice() } : {}),
        ...(scratch.on ? { on: scratch.on.slice() } : {}),
        callCost: scratch.callCost,
      });
      const k = this.plans.length - 1;
      m.addPlan(this.planCost(k, a, b), (row) => this.activity(this.rows[this.active[row - 1]], k));
    }
    throw new DecompositionNumericalError('no-convergence', 'block column generation did not converge');
  }

  /** The master's mix of plans: primary, secondary and call pattern weighted alike, and the mixed call cost. */
  private mix(out: Plan): void {
    out.primary.fill(0);
    out.secondary?.fill(0);
    out.on?.fill(0);
    out.callCost = 0;
    for (let k = 0; k < this.plans.length; k++) {
      const w = this.master.weight(k);
      if (!(w > 0)) continue;
      const q = this.plans[k];
      out.callCost += w * q.callCost;
      for (let t = 0; t < out.primary.length; t++) {
        out.primary[t] += w * q.primary[t];
        if (out.secondary && q.secondary) out.secondary[t] += w * q.secondary[t];
        if (out.on && q.on) out.on[t] += w * q.on[t];
      }
    }
  }
}
