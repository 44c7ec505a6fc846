// Exact best response of a storage (battery, EV fleet): min Σ a_t·primary_t + b_t·secondary_t under state dynamics.
import { ConvexPl, PlTape } from './convex-piecewise-linear.js';
import type { Storage } from './block.js';

/**
 * Working memory of the storage dynamic program, shared by every storage a thread prices (one solve runs at a time):
 * the value function, its tape and the per-interval hulls. Sized for the horizon and grown on demand.
 */
export class StorageScratch {
  readonly f = new ConvexPl(256);
  readonly tape: PlTape;
  readonly m = { lo: 0, hi: 0, value: 0 };
  /** Per interval: hull vertex count, Δ, primary, secondary and cost of each vertex (at most four), in Δ order. */
  readonly hullCount: Int32Array;
  readonly hullD: Float64Array;
  readonly hullP: Float64Array;
  readonly hullS: Float64Array;
  readonly hullC: Float64Array;
  readonly segLen = new Float64Array(3);
  readonly segSlope = new Float64Array(3);

  constructor(readonly n: number) {
    this.tape = new PlTape(n);
    this.hullCount = new Int32Array(n);
    this.hullD = new Float64Array(4 * n);
    this.hullP = new Float64Array(4 * n);
    this.hullS = new Float64Array(4 * n);
    this.hullC = new Float64Array(4 * n);
  }
}

/**
 * Forward dynamic programming over the state: F_t = (F_{t−1} □ g_t) on [lo_t, hi_t], where g_t(Δ) is the cheapest
 * way to move the state by Δ in interval t: the lower hull of the box of (primary, secondary) mapped to
 * (Δ, cost), at most three segments. Infimal convolution of convex piecewise-linear functions merges their slope
 * sequences; recorded stages let the backward pass split each state into the previous state and the move.
 */
export class StoragePath {
  /** Per interval t, from 4t: the box corners' Δ, primary and secondary in the Δ order the hull walks (prices only change their costs). */
  private readonly cornerCount: Uint8Array;
  private readonly corner: Float64Array;
  private readonly hullCount: Int32Array;
  private readonly hullD: Float64Array;
  private readonly hullP: Float64Array;
  private readonly hullS: Float64Array;
  private readonly hullC: Float64Array;
  private readonly segLen: Float64Array;
  private readonly segSlope: Float64Array;

  constructor(
    private readonly storage: Storage,
    private readonly hi1: Float64Array,
    private readonly hi2: Float64Array,
    private readonly scratch: StorageScratch = new StorageScratch(hi1.length),
  ) {
    const n = hi1.length;
    if (scratch.n < n) throw new Error('storage scratch is shorter than the horizon');
    ({
      hullCount: this.hullCount,
      hullD: this.hullD,
      hullP: this.hullP,
      hullS: this.hullS,
      hullC: this.hullC,
      segLen: this.segLen,
      segSlope: this.segSlope,
    } = scratch);
    this.cornerCount = new Uint8Array(n);
    this.corner = new Float64Array(12 * n);
    this.corners();
  }

  /** Lower hull of the box corners in the (Δ, cost) plane, stored for interval t (no allocation: this runs per pricing). */
  private hull(t: number, a: number, b: number): void {
    const o = 4 * t;
    const hd = this.hullD;
    const hc = this.hullC;
    let k = 0;
    const cr = this.corner;
    for (let q = 12 * t, e = q + this.cornerCount[t]; q < e; q++) {
      const d = cr[q];
      const c = a * cr[q + 4] + b * cr[q + 8];
      if (k > 0 && hd[o + k - 1] === d) {
        // same state change: keep the cheaper corner (the earlier, plainer one on a tie)
        if (c >= hc[o + k - 1]) continue;
        k--;
      }
      while (k >= 2) {
        const d1 = hd[o + k - 1] - hd[o + k - 2];
        const d2 = d - hd[o + k - 2];
        const c1 = hc[o + k - 1] - hc[o + k - 2];
        const c2 = c - hc[o + k - 2];
        // Drop the last vertex if it lies above the segment, and the charging-while-discharging corner also if it lies
        // on it (within round-off): points on a segment do not change g, but interpolating between them is the plan,
        // and no device both charges and discharges unless that strictly pays.
        const above = c1 * d2 - c2 * d1;
        const tol = 1e-12 * (Math.abs(c1 * d2) + Math.abs(c2 * d1));
        const both = this.hullP[o + k - 1] > 0 && this.hullS[o + k - 1] > 0;
        if (above > tol || (both && above >= -tol)) k--;
        else break;
      }
      hd[o + k] = d;
      hc[o + k] = c;
      this.hullP[o + k] = cr[q + 4];
      this.hullS[o + k] = cr[q + 8];
      k++;
    }
    this.hullCount[t] = k;
  }

  /** The box corners of each interval, sorted by Δ: at 12t the Δs, at 12t + 4 the primaries, at 12t + 8 the secondaries. */
  private corners(): void {
    const s = this.storage;
    const c = this.corner;
    for (let t = 0; t < this.hi1.length; t++) {
      const p1 = this.hi1[t];
      const p2 = this.hi2[t];
      const o = 12 * t;
      let m = 0;
      for (let k = 0; k < 4; k++) {
        const x1 = k & 1 ? p1 : 0;
        const x2 = k & 2 ? p2 : 0;
        if ((k & 1 && !(p1 > 0)) || (k & 2 && !(p2 > 0))) continue;
        const d = s.primaryRate[t] * x1 + s.secondaryRate[t] * x2;
        // insertion by Δ, stable: on equal Δ the plainer corner (added earlier) stays first
        let j = m++;
        while (j > 0 && c[o + j - 1] > d)
          ((c[o + j] = c[o + j - 1]), (c[o + 4 + j] = c[o + 3 + j]), (c[o + 8 + j] = c[o + 7 + j]), j--);
        c[o + j] = d;
        c[o + 4 + j] = x1;
        c[o + 8 + j] = x2;
      }
      this.cornerCount[t] = m;
    }
  }

  /** g_t as segments (into segLen/segSlope); returns the segment count. */
  private segments(t: number): number {
    const o = 4 * t;
    const k = this.hullCount[t];
    for (let j = 0; j + 1 < k; j++) {
      const dd = this.hullD[o + j + 1] - this.hullD[o + j];
      this.segLen[j] = dd;
      this.segSlope[j] = (this.hullC[o + j + 1] - this.hullC[o + j]) / dd;
    }
    return Math.max(0, k - 1);
  }

  /** Writes the optimal plan and returns its cost. */
  solve(a: Float64Array, b: Float64Array, primary: Float64Array, secondary: Float64Array): number {
    const { f, tape, m } = this.scratch;
    const s = this.storage;
    const n = a.length;
    f.setPoint(s.initial);
    tape.reset();
    for (let t = 0; t < n; t++) {
      tape.record(t, f);
      this.hull(t, a[t], b[t]);
      const o = 4 * t;
      f.x0 += this.hullD[o];
      f.f0 += this.hullC[o];
      f.insertAll(this.segLen, this.segSlope, this.segments(t));
      if (!f.restrict(s.lo[t], s.hi[t])) throw new Error(`storage path infeasible at interval ${t}`);
    }
    f.minimum(m);
    let y = m.lo;
    let cost = 0;
    for (let t = n - 1; t >= 0; t--) {
      const k = this.segments(t);
      const o = 4 * t;
      const x = t === 0 ? s.initial : tape.split(t, y, this.hullD[o], this.segLen, this.segSlope, k);
      this.move(t, y - x, primary, secondary);
      cost += a[t] * primary[t] + b[t] * secondary[t];
      y = x;
    }
    return cost;
  }

  /** The hull point of interval t at state change Δ, as primary and secondary. */
  private move(t: number, delta: number, primary: Float64Array, secondary: Float64Array): void {
    const o = 4 * t;
    const k = this.hullCount[t];
    let j = 0;
    while (j + 2 < k && this.hullD[o + j + 1] < delta) j++;
    if (k === 1) {
      primary[t] = this.hullP[o];
      secondary[t] = this.hullS[o];
      return;
    }
    const d0 = this.hullD[o + j];
    const d1 = this.hullD[o + j + 1];
    const w = Math.min(1, Math.max(0, (delta - d0) / (d1 - d0)));
    primary[t] = this.hullP[o + j] + w * (this.hullP[o + j + 1] - this.hullP[o + j]);
    secondary[t] = this.hullS[o + j] + w * (this.hullS[o + j + 1] - this.hullS[o + j]);
  }
}
