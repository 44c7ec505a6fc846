// Exact best responses of resources with call decisions: dynamic programs over on/off, runs and calls used.
import type { CallRules } from './block.js';

/** A plan with its call pattern: primary per interval, on (1) or off (0), and the cost of its calls. */
export interface CallPlan {
  readonly primary: Float64Array;
  readonly on: Float64Array;
  callCost: number;
}

/**
 * What being on means for one kind of resource, from interval to interval: how many on-states it has (per number
 * of calls used), which ones a new call enters, where each leads, and the setpoint of each. Costs are the priced
 * setpoint (price × primary) without the call cost, which the dynamic program adds to each start.
 */
export interface OnStates {
  /** On-states per number of calls used. */
  readonly count: number;
  /** Called once per interval before its transitions, with the prices of the solve. */
  enter(t: number, price: Float64Array): void;
  /** The on-states a call started at t enters: `to.on(state, cost)` for each. */
  starts(t: number, to: Transitions): void;
  /** Where on-state `state` at t−1 may go at t: `to.on(state, cost)` or `to.off()`. */
  moves(t: number, state: number, to: Transitions): void;
  /** Primary setpoint at t in on-state `state`. */
  primary(t: number, state: number): number;
}

/** Transitions an OnStates reports to the dynamic program (from the state it is expanding). */
export interface Transitions {
  on(state: number, cost: number): void;
  off(): void;
}

/**
 * The dynamic program every call-decision resource shares: states per interval are off with k calls made (k up to
 * the event limit), or on with k calls made and one of the kind's on-states; a start costs the call and uses one of
 * the calls allowed (without a limit, k stays 0). Exact: it enumerates every call pattern the rules allow, and the
 * cheapest setpoint of each on-state (an end of its range: the cost is linear).
 */
export class CallPatternDp implements Transitions {
  private readonly k: number;
  private readonly limited: boolean;
  private readonly prev: Int32Array;
  private cur: Float64Array;
  private next: Float64Array;
  /** The transition being expanded: its source state, its cost so far, the calls used at its target, the row of prev. */
  private from = 0;
  private base = 0;
  private calls = 0;
  private row = 0;

  constructor(
    private readonly rules: CallRules,
    private readonly n: number,
    private readonly kind: OnStates,
  ) {
    this.limited = Number.isFinite(rules.maxEvents);
    this.k = this.limited ? Math.min(rules.maxEvents, n) : 0;
    const states = this.states();
    this.prev = new Int32Array(n * states);
    this.cur = new Float64Array(states);
    this.next = new Float64Array(states);
  }

  private states(): number {
    return (this.k + 1) * (this.kind.count + 1);
  }

  /** State id: off with k calls → k; on with k calls in on-state s → (K+1) + k·count + s. */
  private onState(k: number, s: number): number {
    return this.k + 1 + k * this.kind.count + s;
  }

  private relax(to: number, c: number): void {
    if (c < this.next[to]) ((this.next[to] = c), (this.prev[this.row + to] = this.from));
  }

  on(state: number, cost: number): void {
    this.relax(this.onState(this.calls, state), this.base + cost);
  }

  off(): void {
    this.relax(this.calls, this.base);
  }

  /** The cheapest plan at prices `price` per kW of primary (written into `plan`); returns its priced cost. */
  solve(price: Float64Array, plan: CallPlan): number {
    const { rules, kind, k: K, n, limited } = this;
    const S = this.states();
    const U = kind.count;
    let cur = this.cur;
    cur.fill(Infinity);
    cur[0] = 0;
    for (let t = 0; t < n; t++) {
      this.next.fill(Infinity);
      this.row = t * S;
      kind.enter(t, price);
      for (let k = 0; k <= K; k++) {
        const off = cur[k];
        if (off < Infinity) {
          ((this.from = k), (this.base = off), (this.calls = k));
          this.off();
          const k2 = limited ? k + 1 : 0;
          if (k2 <= K && (limited || k === 0)) {
            ((this.base = off + rules.costPerCall), (this.calls = k2));
            kind.starts(t, this);
          }
        }
        for (let s = 0; s < U; s++) {
          const id = this.onState(k, s);
          const c = cur[id];
          if (c === Infinity) continue;
          ((this.from = id), (this.base = c), (this.calls = k));
          kind.moves(t, s, this);
        }
      }
      const tmp = cur;
      cur = this.next;
      this.next = tmp;
    }
    this.cur = cur;
    let state = 0;
    for (let s = 1; s < S; s++) if (cur[s] < cur[state]) state = s;
    let calls = 0;
    for (let t = n - 1; t >= 0; t--) {
      const isOn = state > K;
      const from = this.prev[t * S + state];
      plan.on[t] = isOn ? 1 : 0;
      plan.primary[t] = isOn ? kind.primary(t, (state - K - 1) % U) : 0;
      if (isOn && from <= K) calls++;
      state = from;
    }
    plan.callCost = calls * rules.costPerCall;
    let value = plan.callCost;
    for (let t = 0; t < n; t++) value += price[t] * plan.primary[t];
    return value;
  }
}

/**
 * Industrial load with calls: when on, the curtailment lies in [minKW, maxKW] (its best point is an end: linear cost),
 * a call started at s stays on through forcedUntil[s]. On-states: the intervals f still forced on (0 … F).
 */
export class IndustrialOnStates implements OnStates {
  readonly count: number;
  private readonly startOk: Uint8Array;
  private price: Float64Array = new Float64Array(0);
  private value = 0;

  constructor(
    private readonly rules: CallRules,
    private readonly hi: Float64Array,
  ) {
    const n = hi.length;
    let f = 0;
    for (let t = 0; t < n; t++) f = Math.max(f, rules.forcedUntil[t] - t);
    this.count = f + 1;
    // a start is possible only where every interval it forces on is available
    this.startOk = Uint8Array.from({ length: n }, (_, t) => {
      for (let u = t; u <= rules.forcedUntil[t]; u++) if (!(hi[u] > 0)) return 0;
      return 1;
    });
  }

  enter(t: number, price: Float64Array): void {
    this.price = price;
    this.value = price[t] * this.primary(t);
  }

  starts(t: number, to: Transitions): void {
    if (this.startOk[t]) to.on(this.rules.forcedUntil[t] - t, this.value);
  }

  moves(t: number, forced: number, to: Transitions): void {
    if (forced > 0) return to.on(forced - 1, this.value);
    to.off();
    if (this.hi[t] > 0) to.on(0, this.value);
  }

  primary(t: number): number {
    return this.price[t] < 0 ? this.hi[t] : this.rules.minKW;
  }
}

/**
 * HVAC with calls, where the windows are a run limit (see Block.runLimit): when on, the shed is 0 or full (the
 * window polytope's vertices), runs of full shed last at most `limit` intervals, and staying on without shedding
 * bridges gaps without a new call. On-states: the current shed run r (0 … limit).
 */
export class HvacOnStates implements OnStates {
  readonly count: number;
  private readonly limit: number;
  private shed = 0;

  constructor(
    private readonly hi: Float64Array,
    limit: number,
  ) {
    this.limit = Math.min(limit, hi.length);
    this.count = this.limit + 1;
  }

  enter(t: number, price: Float64Array): void {
    this.shed = price[t] * this.hi[t];
  }

  starts(t: number, to: Transitions): void {
    if (!(this.hi[t] > 0)) return;
    to.on(0, 0);
    if (this.limit >= 1) to.on(1, this.shed);
  }

  moves(t: number, run: number, to: Transitions): void {
    to.off();
    if (!(this.hi[t] > 0)) return;
    to.on(0, 0);
    if (run + 1 <= this.limit) to.on(run + 1, this.shed);
  }

  primary(t: number, run: number): number {
    return run > 0 ? this.hi[t] : 0;
  }
}

/** The call-pattern dynamic program of an industrial load. */
export function industrialCalls(rules: CallRules, hi: Float64Array): CallPatternDp {
  return new CallPatternDp(rules, hi.length, new IndustrialOnStates(rules, hi));
}

/** The call-pattern dynamic program of an HVAC unit whose windows are a run limit of `limit` intervals. */
export function hvacCalls(rules: CallRules, hi: Float64Array, limit: number): CallPatternDp {
  return new CallPatternDp(rules, hi.length, new HvacOnStates(hi, limit));
}
