// Exact best response of an HVAC shed under duration windows that amount to a run limit (see Block.runLimit).

/**
 * With regular intervals whose length divides the maximum duration, the windows say "at most `limit` consecutive
 * intervals at full shed", and the window rows form an interval matrix: the shed polytope's vertices are 0 or
 * full shed per interval. The best vertex is a dynamic program over the length of the current run.
 */
export class RunLimitPath {
  private readonly best: Float64Array;
  private readonly next: Float64Array;
  /** Per interval, the run length whose ending (a 0 in this interval) was cheapest. */
  private readonly endFrom: Int32Array;

  private readonly limit: number;

  constructor(
    private readonly hi: Float64Array,
    limit: number,
  ) {
    // A limit at or beyond the horizon limits nothing.
    this.limit = Math.min(limit, hi.length);
    this.best = new Float64Array(this.limit + 1);
    this.next = new Float64Array(this.limit + 1);
    this.endFrom = new Int32Array(hi.length);
  }

  solve(a: Float64Array, x: Float64Array): number {
    const { hi, limit, endFrom } = this;
    const n = hi.length;
    let best = this.best;
    let next = this.next;
    best.fill(Infinity);
    best[0] = 0;
    for (let t = 0; t < n; t++) {
      let arg = 0;
      for (let r = 1; r <= limit; r++) if (best[r] < best[arg]) arg = r;
      next[0] = best[arg];
      endFrom[t] = arg;
      const gain = a[t] * hi[t];
      for (let r = 1; r <= limit; r++) next[r] = hi[t] > 0 && a[t] < 0 ? best[r - 1] + gain : Infinity;
      const tmp = best;
      best = next;
      next = tmp;
    }
    let r = 0;
    for (let k = 1; k <= limit; k++) if (best[k] < best[r]) r = k;
    let cost = 0;
    for (let t = n - 1; t >= 0; t--) {
      if (r > 0) {
        x[t] = hi[t];
        cost += a[t] * hi[t];
        r--;
      } else {
        x[t] = 0;
        r = endFrom[t];
      }
    }
    return cost;
  }
}
