// Exact best responses of resources with call decisions: dynamic programs over on/off, runs and calls used.
import type { CallRules } from './block.js';

/** A plan with its call pattern: primary per interval, on (1) or off (0), and the cost of its calls. */
export interface CallPlan {
  readonly primary: Float64Array;
  readonly on: Float64Array;
  callCost: number;
}

/**
 * Industrial load with calls: when on, the curtailment lies in [minKW, maxKW] (its best point is an end: linear cost),
 * a call started at s stays on through forcedUntil[s], at most maxEvents calls, costPerCall each. States per
 * interval: off with k calls made, or on with k calls made and f intervals still forced on.
 */
export class IndustrialCalls {
  private readonly k: number;
  private readonly f: number;
  private readonly startOk: Uint8Array;
  private readonly prev: Int32Array;
  private cur: Float64Array;
  private next: Float64Array;

  constructor(
    private readonly rules: CallRules,
    private readonly hi: Float64Array,
  ) {
    const n = hi.length;
    this.k = Number.isFinite(rules.maxEvents) ? Math.min(rules.maxEvents, n) : 0;
    let f = 0;
    for (let t = 0; t < n; t++) f = Math.max(f, rules.forcedUntil[t] - t);
    this.f = f;
    // a start is possible only where every interval it forces on is available
    this.startOk = Uint8Array.from({ length: n }, (_, t) => {
      for (let u = t; u <= rules.forcedUntil[t]; u++) if (!(hi[u] > 0)) return 0;
      return 1;
    });
    const states = this.states();
    this.prev = new Int32Array(n * states);
    this.cur = new Float64Array(states);
    this.next = new Float64Array(states);
  }

  private states(): number {
    return (this.k + 1) * (this.f + 2);
  }

  /** State id: off with k calls → k; on with k calls and f forced → (K+1) + k·(F+1) + f. */
  private on(k: number, f: number): number {
    return this.k + 1 + k * (this.f + 1) + f;
  }

  solve(a: Float64Array, plan: CallPlan): number {
    const { rules, hi, k: K, f: F } = this;
    const n = hi.length;
    const S = this.states();
    const limited = Number.isFinite(rules.maxEvents);
    let cur = this.cur;
    let next = this.next;
    cur.fill(Infinity);
    cur[0] = 0;
    const level = (t: number) => (a[t] < 0 ? hi[t] : rules.minKW);
    for (let t = 0; t < n; t++) {
      next.fill(Infinity);
      const row = t * S;
      const relax = (to: number, from: number, c: number) => {
        if (c < next[to]) (next[to] = c), (this.prev[row + to] = from);
      };
      const v = a[t] * level(t);
      const forced = rules.forcedUntil[t] - t;
      for (let k = 0; k <= K; k++) {
        const off = cur[k];
        if (off < Infinity) {
          relax(k, k, off);
          const k2 = limited ? k + 1 : 0;
          if (this.startOk[t] && k2 <= K && (limited || k === 0)) relax(this.on(k2, forced), k, off + rules.costPerCall + v);
        }
        for (let f = 0; f <= F; f++) {
          const c = cur[this.on(k, f)];
          if (c === Infinity) continue;
          if (f > 0) relax(this.on(k, f - 1), this.on(k, f), c + v);
          else {
            relax(k, this.on(k, 0), c);
            if (hi[t] > 0) relax(this.on(k, 0), this.on(k, 0), c + v);
          }
        }
      }
      const tmp = cur;
      cur = next;
      next = tmp;
    }
    let state = 0;
    for (let s = 1; s < S; s++) if (cur[s] < cur[state]) state = s;
    let calls = 0;
    for (let t = n - 1; t >= 0; t--) {
      const isOn = state > K;
      const from = this.prev[t * S + state];
      plan.on[t] = isOn ? 1 : 0;
      plan.primary[t] = isOn ? level(t) : 0;
      if (isOn && from <= K) calls++;
      state = from;
    }
    plan.callCost = calls * rules.costPerCall;
    this.cur = cur;
    this.next = next;
    let value = plan.callCost;
    for (let t = 0; t < n; t++) value += a[t] * plan.primary[t];
    return value;
  }
}

/**
 * HVAC with calls, where the windows are a run limit (see Block.runLimit): when on, the shed is 0 or full (the
 * window polytope's vertices), runs of full shed last at most `limit` intervals, and staying on without shedding
 * bridges gaps without a new call. States: off with k calls, or on with k calls and the current shed run r.
 */
export class HvacCalls {
  private readonly k: number;
  private readonly prev: Int32Array;
  private cur: Float64Array;
  private next: Float64Array;

  constructor(
    private readonly rules: CallRules,
    private readonly hi: Float64Array,
    private readonly limit: number,
  ) {
    const n = hi.length;
    this.k = Number.isFinite(rules.maxEvents) ? Math.min(rules.maxEvents, n) : 0;
    this.limit = Math.min(limit, n);
    const S = this.states();
    this.prev = new Int32Array(n * S);
    this.cur = new Float64Array(S);
    this.next = new Float64Array(S);
  }

  private states(): number {
    return (this.k + 1) * (this.limit + 2);
  }

  private on(k: number, r: number): number {
    return this.k + 1 + k * (this.limit + 1) + r;
  }

  solve(a: Float64Array, plan: CallPlan): number {
    const { rules, hi, k: K, limit: L } = this;
    const n = hi.length;
    const S = this.states();
    const limited = Number.isFinite(rules.maxEvents);
    let cur = this.cur;
    let next = this.next;
    cur.fill(Infinity);
    cur[0] = 0;
    for (let t = 0; t < n; t++) {
      next.fill(Infinity);
      const row = t * S;
      const relax = (to: number, from: number, c: number) => {
        if (c < next[to]) (next[to] = c), (this.prev[row + to] = from);
      };
      const shed = a[t] * hi[t];
      const avail = hi[t] > 0;
      for (let k = 0; k <= K; k++) {
        const off = cur[k];
        if (off < Infinity) {
          relax(k, k, off);
          const k2 = limited ? k + 1 : 0;
          if (avail && k2 <= K && (limited || k === 0)) {
            relax(this.on(k2, 0), k, off + rules.costPerCall);
            if (L >= 1) relax(this.on(k2, 1), k, off + rules.costPerCall + shed);
          }
        }
        for (let r = 0; r <= L; r++) {
          const c = cur[this.on(k, r)];
          if (c === Infinity) continue;
          relax(k, this.on(k, r), c);
          if (!avail) continue;
          relax(this.on(k, 0), this.on(k, r), c);
          if (r + 1 <= L) relax(this.on(k, r + 1), this.on(k, r), c + shed);
        }
      }
      const tmp = cur;
      cur = next;
      next = tmp;
    }
    let state = 0;
    for (let s = 1; s < S; s++) if (cur[s] < cur[state]) state = s;
    let calls = 0;
    for (let t = n - 1; t >= 0; t--) {
      const isOn = state > K;
      const r = isOn ? (state - K - 1) % (L + 1) : 0;
      const from = this.prev[t * S + state];
      plan.on[t] = isOn ? 1 : 0;
      plan.primary[t] = isOn && r > 0 ? hi[t] : 0;
      if (isOn && from <= K) calls++;
      state = from;
    }
    plan.callCost = calls * rules.costPerCall;
    this.cur = cur;
    this.next = next;
    let value = plan.callCost;
    for (let t = 0; t < n; t++) value += a[t] * plan.primary[t];
    return value;
  }
}
