// Exact best response of a ramp-limited path: min Σ a_t·x_t, lo_t ≤ x_t ≤ hi_t, |x_t − x_{t−1}| ≤ ramp, x_{−1} = 0.
import { ConvexPl } from './convex-piecewise-linear.js';

/**
 * Forward dynamic programming over convex piecewise-linear value functions: F_t(x) = a_t·x + min over
 * |x − y| ≤ ramp of F_{t−1}(y), on [lo_t, hi_t]. Keeping each stage's minimizers is enough to backtrack.
 */
export class RampPath {
  private readonly f = new ConvexPl(64);
  private readonly minLo: Float64Array;
  private readonly minHi: Float64Array;
  private readonly m = { lo: 0, hi: 0, value: 0 };

  constructor(
    private readonly lo: Float64Array,
    private readonly hi: Float64Array,
    private readonly ramp: number,
  ) {
    this.minLo = new Float64Array(lo.length);
    this.minHi = new Float64Array(lo.length);
  }

  /** Writes the optimal path to x and returns its cost. */
  solve(a: Float64Array, x: Float64Array): number {
    const { f, m, lo, hi, ramp } = this;
    const n = lo.length;
    f.setPoint(0);
    for (let t = 0; t < n; t++) {
      f.windowMin(ramp);
      if (!f.restrict(lo[t], hi[t])) throw new Error(`ramp-limited path infeasible at interval ${t}`);
      f.addLinear(a[t]);
      f.minimum(m);
      this.minLo[t] = m.lo;
      this.minHi[t] = m.hi;
    }
    let cost = 0;
    let next = this.minLo[n - 1];
    for (let t = n - 1; t >= 0; t--) {
      // The best x_t within reach of x_{t+1} is the minimizer nearest to it (F_t is convex).
      const v = t === n - 1 ? next : Math.min(Math.max(this.minLo[t], next - ramp), next + ramp);
      x[t] = Math.min(Math.max(v, lo[t]), hi[t]);
      cost += a[t] * x[t];
      next = x[t];
    }
    return cost;
  }
}

/** Exact best response of independent boxes: each x_t at the bound its cost favours. */
export function solveBoxes(a: Float64Array, lo: Float64Array, hi: Float64Array, x: Float64Array): number {
  let cost = 0;
  for (let t = 0; t < a.length; t++) {
    x[t] = a[t] < 0 ? hi[t] : lo[t];
    cost += a[t] * x[t];
  }
  return cost;
}
