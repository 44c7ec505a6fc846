// One DR resource as an independent block of the dispatch LP: its bounds, dynamics and local rules per interval.
import type { DispatchProblem } from '../problem.js';
import { owedClearFrom } from '../ev-deadline.js';
import { DEFAULT_REBOUND_MINUTES, reboundTerms } from '../rebound.js';

const MINUTE_MS = 60_000;

/** Float64Array of f(i) for i < n (a plain loop: the from() iterator protocol is slow on hot paths). */
function fill(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

/** State dynamics: state_t = state_{t−1} + primaryRate_t·primary_t + secondaryRate_t·secondary_t within [lo_t, hi_t]. */
export interface Storage {
  readonly initial: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly primaryRate: Float64Array;
  readonly secondaryRate: Float64Array;
}

/** Rows lo ≤ Σ coef·setpoint ≤ hi over a few intervals of one resource (ramps, HVAC duration windows). */
export interface LocalRow {
  readonly t: readonly number[];
  readonly coef: readonly number[];
  readonly lo: number;
  readonly hi: number;
}

/** Call decisions of a MIP resource (validation marks them): per-call cost, event limit, minimum depth and run. */
export interface CallRules {
  readonly costPerCall: number;
  /** Calls allowed (Infinity without a limit). */
  readonly maxEvents: number;
  /** Industrial minimum depth when on (0 otherwise). */
  readonly minKW: number;
  /** The last interval a call started at t must stay on through (t itself without a minimum run). */
  readonly forcedUntil: Int32Array;
}

export interface Block {
  /** Index into DispatchProblem.resources. */
  readonly resource: number;
  readonly kind: 'battery' | 'hvac' | 'ev' | 'industrial';
  readonly n: number;
  /** Index into DispatchProblem.feeders, or -1. */
  readonly feeder: number;
  /** Energy cost of one kW of primary over interval t (cost per kWh × hours). */
  readonly unitCost: Float64Array;
  /** Bounds of the primary column (discharge, shed, deferral, curtailment) per interval. */
  readonly primaryLo: Float64Array;
  readonly primaryHi: Float64Array;
  /** Upper bounds of the secondary column (battery charging, EV catch-up); absent for HVAC and industrial loads. */
  readonly secondaryHi?: Float64Array;
  readonly storage?: Storage;
  /** HVAC payback: net reduction at `to[k]` falls by coef[k] × shed at `from[k]`. */
  readonly rebound?: { readonly from: Int32Array; readonly to: Int32Array; readonly coef: Float64Array };
  /** Largest change of the setpoint (primary − secondary) between intervals; the event starts from 0. */
  readonly ramp?: number;
  /** HVAC duration windows as rows on the setpoint. */
  readonly windows: readonly LocalRow[];
  /**
   * When the windows say exactly "no more than runLimit consecutive intervals at full shed" (regular intervals whose
   * length divides the maximum duration), the window polytope has vertices at 0 or full shed only.
   */
  readonly runLimit?: number;
  /** Present when the resource has call decisions (a MIP) and its calls are not fixed by the caller. */
  readonly calls?: CallRules;
}

function hvacWindows(p: DispatchProblem, maxMs: number, capKWh: number): LocalRow[] {
  const n = p.hours.length;
  const rows: LocalRow[] = [];
  for (let t = 0; t < n; t++) {
    let m = t;
    while (m < n && p.endMs[m] - p.startMs[t] <= maxMs) m++;
    if (m >= n) break;
    const ts: number[] = [];
    const coef: number[] = [];
    for (let k = t; k <= m; k++) (ts.push(k), coef.push(p.hours[k]));
    rows.push({ t: ts, coef, lo: -Infinity, hi: capKWh });
  }
  return rows;
}

/** The run length the windows amount to, when they amount to one (see Block.runLimit). */
function runLimitOf(p: DispatchProblem, windows: readonly LocalRow[], maxMs: number): number | undefined {
  const n = p.hours.length;
  const ms = p.endMs[0] - p.startMs[0];
  for (let t = 0; t < n; t++)
    if (p.endMs[t] - p.startMs[t] !== ms || (t > 0 && p.startMs[t] !== p.endMs[t - 1])) return undefined;
  if (maxMs % ms !== 0) return undefined;
  const limit = maxMs / ms;
  if (windows.length !== Math.max(0, n - limit)) return undefined;
  return windows.every((w) => w.t.length === limit + 1) ? limit : undefined;
}

function callRules(p: DispatchProblem, i: number): CallRules {
  const r = p.resources[i].resource;
  const n = p.hours.length;
  const minRunMs = r.kind === 'industrial' ? (r.minRunMinutes ?? 0) * MINUTE_MS : 0;
  const forcedUntil = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let e = s;
    while (e + 1 < n && p.startMs[e + 1] < p.startMs[s] + minRunMs) e++;
    forcedUntil[s] = e;
  }
  return {
    costPerCall: r.costPerCall ?? 0,
    maxEvents: r.maxEvents ?? Infinity,
    minKW: r.kind === 'industrial' ? (r.minKW ?? 0) : 0,
    forcedUntil,
  };
}

/**
 * The block of resource `i`. `primaryLo`/`primaryHi` replace the primary bounds: a MIP's fixed calls, after which
 * the block is an LP (no call rules).
 */
export function blockOf(p: DispatchProblem, i: number, primaryLo?: Float64Array, primaryHi?: Float64Array): Block {
  const rp = p.resources[i];
  const r = rp.resource;
  const n = p.hours.length;
  const av = rp.available;
  const h = p.hours;
  const unitCost = fill(n, (t) => (r.costPerKWh ?? 0) * h[t]);
  const upper = (cap: (t: number) => number) => primaryHi ?? fill(n, (t) => (av[t] ? cap(t) : 0));
  // Every block has every field (undefined where absent): one object shape keeps the hot loops' property reads monomorphic.
  const block = {
    resource: i,
    kind: r.kind,
    n,
    feeder: rp.feeder,
    unitCost,
    primaryLo: primaryLo ?? new Float64Array(n),
    primaryHi: undefined as unknown as Float64Array,
    secondaryHi: undefined as Float64Array | undefined,
    storage: undefined as Storage | undefined,
    rebound: undefined as Block['rebound'],
    ramp: r.rampKWPerInterval,
    windows: [] as readonly LocalRow[],
    runLimit: undefined as number | undefined,
    calls: rp.callDecisions && !primaryHi ? callRules(p, i) : undefined,
  };
  switch (r.kind) {
    case 'battery': {
      const eta = Math.sqrt(r.roundTripEfficiency ?? 1);
      block.storage = {
        initial: r.socKWh,
        lo: new Float64Array(n).fill(r.minSocKWh ?? 0),
        hi: new Float64Array(n).fill(r.energyKWh),
        primaryRate: fill(n, (t) => -h[t] / eta),
        secondaryRate: fill(n, (t) => eta * h[t]),
      };
      block.primaryHi = upper(() => r.powerKW);
      block.secondaryHi = fill(n, (t) => (av[t] ? r.powerKW : 0));
      return block;
    }
    case 'ev': {
      const b = (t: number) => (typeof r.baselineKW === 'number' ? r.baselineKW : r.baselineKW[t]);
      const clearFrom = owedClearFrom(p, Date.parse(r.deadline));
      block.storage = {
        initial: 0,
        lo: new Float64Array(n),
        hi: fill(n, (t) => (t >= clearFrom ? 0 : r.shiftableKWh)),
        primaryRate: h.slice(),
        secondaryRate: fill(n, (t) => -h[t]),
      };
      block.primaryHi = upper(b);
      block.secondaryHi = fill(n, (t) => (av[t] ? Math.max(0, r.maxChargeKW - b(t)) : 0));
      return block;
    }
    case 'hvac': {
      const rb = reboundTerms(p, r.reboundFraction ?? 0, r.reboundMinutes ?? DEFAULT_REBOUND_MINUTES);
      const maxMs = r.maxDurationMinutes * MINUTE_MS;
      const windows = hvacWindows(p, maxMs, (r.shedKW * maxMs) / 3_600_000);
      const hi = upper(() => r.shedKW);
      block.primaryHi = hi;
      if (rb.from.length) block.rebound = rb;
      block.windows = windows;
      // Vertices stay at 0 or full shed only while every bound is one of the two.
      block.runLimit = hi.every((v) => v === 0 || v === r.shedKW) ? runLimitOf(p, windows, maxMs) : undefined;
      return block;
    }
    case 'industrial':
      block.primaryHi = upper(() => r.maxKW);
      return block;
  }
}

/** Ramp rows on the setpoint: −ramp ≤ sp_t − sp_{t−1} ≤ ramp, from sp_{−1} = 0. */
export function rampRows(b: Block): LocalRow[] {
  if (b.ramp === undefined) return [];
  // a ramp at least the widest possible swing of the setpoint (full charge to full discharge) never binds
  const down = (t: number) => (b.secondaryHi ? b.secondaryHi[t] : 0) - (b.primaryLo[t] > 0 ? b.primaryLo[t] : 0);
  let swing = 0;
  for (let t = 0; t < b.n; t++)
    swing = Math.max(
      swing,
      t === 0
        ? Math.max(b.primaryHi[0], down(0))
        : Math.max(b.primaryHi[t] + down(t - 1), b.primaryHi[t - 1] + down(t)),
    );
  if (b.ramp >= swing) return [];
  const rows: LocalRow[] = [];
  for (let t = 0; t < b.n; t++) {
    rows.push(
      t === 0
        ? { t: [0], coef: [1], lo: -b.ramp, hi: b.ramp }
        : { t: [t - 1, t], coef: [-1, 1], lo: -b.ramp, hi: b.ramp },
    );
  }
  return rows;
}

/**
 * Linear costs of the block's columns under prices: `netPrice` per kW of net reduction and `spPrice` per kW of
 * setpoint, per interval. Writes primary costs to `a` and secondary costs to `b`.
 */
export function columnCosts(
  blk: Block,
  netPrice: Float64Array,
  spPrice: Float64Array | undefined,
  a: Float64Array,
  b: Float64Array,
): void {
  for (let t = 0; t < blk.n; t++) {
    const price = netPrice[t] + (spPrice ? spPrice[t] : 0);
    a[t] = blk.unitCost[t] - price;
    b[t] = price;
  }
  const rb = blk.rebound;
  if (rb) for (let k = 0; k < rb.from.length; k++) a[rb.from[k]] += rb.coef[k] * netPrice[rb.to[k]];
}

/** Net reduction per interval of a plan (primary − secondary − rebound). */
export function netOf(
  blk: Block,
  primary: Float64Array,
  secondary: Float64Array | undefined,
  out: Float64Array,
): Float64Array {
  for (let t = 0; t < blk.n; t++) out[t] = primary[t] - (secondary ? secondary[t] : 0);
  const rb = blk.rebound;
  if (rb) for (let k = 0; k < rb.from.length; k++) out[rb.to[k]] -= rb.coef[k] * primary[rb.from[k]];
  return out;
}

/** State per interval of a plan (battery state of charge, EV energy owed). */
export function stateOf(s: Storage, primary: Float64Array, secondary: Float64Array, out: Float64Array): Float64Array {
  let x = s.initial;
  for (let t = 0; t < out.length; t++) out[t] = x += s.primaryRate[t] * primary[t] + s.secondaryRate[t] * secondary[t];
  return out;
}

/**
 * Removes simultaneous primary and secondary (charging while discharging) where the state bounds allow: a convex mix
 * of a charging plan and a discharging plan has both in one interval, which no device does. Netting keeps the
 * setpoint, the net reduction and the ramps, never costs more, and with losses leaves more energy stored, so it
 * stops where the state would pass its upper bound (there the LP burns energy on purpose).
 */
export function netSimultaneous(s: Storage, primary: Float64Array, secondary: Float64Array): void {
  const n = primary.length;
  const state = stateOf(s, primary, secondary, new Float64Array(n));
  // headroom[t]: how far the state may still rise at t and every later interval
  const headroom = new Float64Array(n + 1).fill(Infinity);
  for (let t = n - 1; t >= 0; t--) headroom[t] = Math.min(headroom[t + 1], s.hi[t] - state[t]);
  let raised = 0;
  for (let t = 0; t < n; t++) {
    const both = Math.min(primary[t], secondary[t]);
    if (both <= 0) continue;
    // netting one kW of both raises the state from t on by the loss it no longer takes
    const gain = s.primaryRate[t] * -1 - s.secondaryRate[t];
    const room = headroom[t] - raised;
    const m = gain > 0 ? Math.max(0, Math.min(both, room / gain)) : both;
    primary[t] -= m;
    secondary[t] -= m;
    raised += m * Math.max(0, gain);
  }
}
