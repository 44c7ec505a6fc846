// Builds the dispatch LP/MIP from a validated problem: columns per resource and interval, rows for every rule.
import { LpBuilder, type LpModel } from '../lp/index.js';
import type { DispatchProblem, ResourceProblem } from './problem.js';
import { owedClearFrom } from './ev-deadline.js';
import { DEFAULT_REBOUND_MINUTES, reboundTerms } from './rebound.js';

/** Column indices of one resource, one entry per interval (-1 where the resource has no such column). */
export interface ResourceColumns {
  /** Reduction the resource is told to make: discharge, shed, deferred charging, curtailment (kW). */
  readonly primary: Int32Array;
  /** Load the resource adds back under control: battery charging, EV catch-up charging (kW). */
  readonly secondary?: Int32Array;
  /** State at the end of the interval: battery state of charge, EV energy owed (kWh). */
  readonly state?: Int32Array;
  readonly on?: Int32Array;
  readonly start?: Int32Array;
}

export interface DispatchModel {
  readonly lp: LpModel;
  readonly columns: readonly ResourceColumns[];
  /** Net reduction of each resource per interval as sparse terms (rebound included), for rows and for the plan. */
  readonly net: readonly NetTerms[][];
  /** Per interval; -1 where the target is zero (no row, no shortfall). */
  readonly shortfall?: Int32Array;
  readonly targetRows?: Int32Array;
  readonly feederShortfall: readonly (Int32Array | undefined)[];
  readonly feederCapRows: readonly (Int32Array | undefined)[];
}

export interface NetTerms {
  readonly cols: number[];
  readonly coefs: number[];
}

const MINUTE_MS = 60_000;

function cols(n: number, add: (t: number) => number): Int32Array {
  const out = new Int32Array(n);
  for (let t = 0; t < n; t++) out[t] = add(t);
  return out;
}

function perInterval(v: number | readonly number[], t: number): number {
  return typeof v === 'number' ? v : v[t];
}

/** Adds the resource's own columns and rows; returns its columns and its net-reduction terms per interval. */
function addResource(
  b: LpBuilder,
  p: DispatchProblem,
  rp: ResourceProblem,
): { columns: ResourceColumns; net: NetTerms[] } {
  const n = p.hours.length;
  const { hours, startMs } = p;
  const r = rp.resource;
  const av = rp.available;
  const costPerKWh = r.costPerKWh ?? 0;
  let capacity: (t: number) => number;
  let columns: ResourceColumns;
  const net: NetTerms[] = [];

  switch (r.kind) {
    case 'battery': {
      const eta = Math.sqrt(r.roundTripEfficiency ?? 1);
      const primary = cols(n, (t) => b.addCol(0, av[t] ? r.powerKW : 0, costPerKWh * hours[t]));
      const secondary = cols(n, (t) => b.addCol(0, av[t] ? r.powerKW : 0, 0));
      const state = cols(n, () => b.addCol(r.minSocKWh ?? 0, r.energyKWh, 0));
      for (let t = 0; t < n; t++) {
        // soc_t - soc_{t-1} - eta·h·charge + h/eta·discharge = 0, with soc_{-1} the initial state of charge
        const c = [state[t], secondary[t], primary[t]];
        const v = [1, -eta * hours[t], hours[t] / eta];
        if (t > 0) {
          c.push(state[t - 1]);
          v.push(-1);
        }
        const rhs = t === 0 ? r.socKWh : 0;
        b.startBasic(state[t], b.addRow(c, v, rhs, rhs));
        net.push({ cols: [primary[t], secondary[t]], coefs: [1, -1] });
      }
      capacity = () => r.powerKW;
      columns = { primary, secondary, state };
      break;
    }
    case 'hvac': {
      const primary = cols(n, (t) => b.addCol(0, av[t] ? r.shedKW : 0, costPerKWh * hours[t]));
      for (let t = 0; t < n; t++) net.push({ cols: [primary[t]], coefs: [1] });
      const rb = reboundTerms(p, r.reboundFraction ?? 0, r.reboundMinutes ?? DEFAULT_REBOUND_MINUTES);
      for (let k = 0; k < rb.from.length; k++) {
        net[rb.to[k]].cols.push(primary[rb.from[k]]);
        net[rb.to[k]].coefs.push(-rb.coef[k]);
      }
      // Any run of intervals from t lasting just over maxDuration holds at most maxDuration of full-depth shed.
      const maxMs = r.maxDurationMinutes * MINUTE_MS;
      for (let t = 0; t < n; t++) {
        let m = t;
        while (m < n && p.endMs[m] - startMs[t] <= maxMs) m++;
        if (m >= n) break;
        const c: number[] = [];
        const v: number[] = [];
        for (let k = t; k <= m; k++) {
          c.push(primary[k]);
          v.push(hours[k]);
        }
        b.addRow(c, v, -Infinity, (r.shedKW * maxMs) / 3_600_000);
      }
      capacity = () => r.shedKW;
      columns = { primary };
      break;
    }
    case 'ev': {
      const base = (t: number) => perInterval(r.baselineKW, t);
      const primary = cols(n, (t) => b.addCol(0, av[t] ? base(t) : 0, costPerKWh * hours[t]));
      const secondary = cols(n, (t) => b.addCol(0, av[t] ? Math.max(0, r.maxChargeKW - base(t)) : 0, 0));
      const clearFrom = owedClearFrom(p, Date.parse(r.deadline));
      const state = cols(n, (t) => b.addCol(0, t >= clearFrom ? 0 : r.shiftableKWh, 0));
      for (let t = 0; t < n; t++) {
        // owed_t - owed_{t-1} - h·defer + h·catchUp = 0, owing nothing before the event
        const c = [state[t], primary[t], secondary[t]];
        const v = [1, -hours[t], hours[t]];
        if (t > 0) {
          c.push(state[t - 1]);
          v.push(-1);
        }
        b.startBasic(state[t], b.addRow(c, v, 0, 0));
        net.push({ cols: [primary[t], secondary[t]], coefs: [1, -1] });
      }
      capacity = base;
      columns = { primary, secondary, state };
      break;
    }
    case 'industrial': {
      const primary = cols(n, (t) => b.addCol(0, av[t] ? r.maxKW : 0, costPerKWh * hours[t]));
      for (let t = 0; t < n; t++) net.push({ cols: [primary[t]], coefs: [1] });
      capacity = () => r.maxKW;
      columns = { primary };
      break;
    }
  }

  const ramp = r.rampKWPerInterval;
  if (ramp !== undefined) {
    const { primary, secondary } = columns;
    for (let t = 0; t < n; t++) {
      const c = [primary[t]];
      const v = [1];
      if (secondary) (c.push(secondary[t]), v.push(-1));
      if (t > 0) {
        (c.push(primary[t - 1]), v.push(-1));
        if (secondary) (c.push(secondary[t - 1]), v.push(1));
      }
      b.addRow(c, v, -ramp, ramp);
    }
  }

  if (rp.callDecisions) columns = { ...columns, ...addCalls(b, p, rp, columns.primary, capacity) };
  return { columns, net };
}

/** On/off and call-start decisions: per-call cost, minimum depth and run, and the event limit. */
function addCalls(
  b: LpBuilder,
  p: DispatchProblem,
  rp: ResourceProblem,
  primary: Int32Array,
  capacity: (t: number) => number,
) {
  const n = p.hours.length;
  const r = rp.resource;
  const on = cols(n, (t) => b.addCol(0, rp.available[t] ? 1 : 0, 0, true));
  // Starts need not be integer: with integer on/off, start_t ≥ on_t − on_{t−1} is tight at an optimum.
  const start = cols(n, () => b.addCol(0, 1, r.costPerCall ?? 0));
  const minKW = r.kind === 'industrial' ? (r.minKW ?? 0) : 0;
  const minRunMs = r.kind === 'industrial' ? (r.minRunMinutes ?? 0) * MINUTE_MS : 0;
  for (let t = 0; t < n; t++) {
    b.addRow(t > 0 ? [start[t], on[t], on[t - 1]] : [start[t], on[t]], [1, -1, 1], 0, Infinity);
    b.addRow([primary[t], on[t]], [1, -capacity(t)], -Infinity, 0);
    if (minKW > 0) b.addRow([primary[t], on[t]], [1, -minKW], 0, Infinity);
    if (minRunMs > 0) {
      // a call started at k keeps the resource on through every interval starting before start_k + minRun
      const c = [on[t]];
      const v = [-1];
      for (let k = t; k >= 0 && p.startMs[k] > p.startMs[t] - minRunMs; k--) (c.push(start[k]), v.push(1));
      if (c.length > 2) b.addRow(c, v, -Infinity, 0);
    }
  }
  if (r.maxEvents !== undefined) b.addRow(start, new Float64Array(n).fill(1), -Infinity, r.maxEvents);
  return { on, start };
}

/** Appends Σ net terms of the given resources at interval t to (c, v). */
function gather(net: readonly NetTerms[][], members: readonly number[], t: number, c: number[], v: number[]): void {
  for (const i of members) {
    const term = net[i][t];
    for (let k = 0; k < term.cols.length; k++) (c.push(term.cols[k]), v.push(term.coefs[k]));
  }
}

/** The plan that calls nothing: states stay put and every target falls short; feasible for any valid request. */
function emptyPlan(
  p: DispatchProblem,
  numCols: number,
  columns: readonly ResourceColumns[],
  shortfall: Int32Array | undefined,
  feederShortfall: readonly (Int32Array | undefined)[],
): Float64Array {
  const x = new Float64Array(numCols);
  p.resources.forEach((rp, i) => {
    const state = columns[i].state;
    if (state && rp.resource.kind === 'battery') for (const c of state) x[c] = rp.resource.socKWh;
  });
  if (shortfall && p.targetKW) shortfall.forEach((c, t) => c >= 0 && (x[c] = p.targetKW![t]));
  p.feeders.forEach((f, fi) => {
    const s = feederShortfall[fi];
    if (s && f.capKW && f.forecastKW)
      for (let t = 0; t < s.length; t++) x[s[t]] = Math.max(0, f.forecastKW[t] - f.capKW[t]);
  });
  return x;
}

/**
 * The model starts from a basis hint: state columns basic in their dynamics rows and shortfall columns basic in
 * their target rows, i.e. the plan "dispatch nothing, fall short of everything", which is feasible by construction.
 */
export function buildDispatchModel(p: DispatchProblem): DispatchModel {
  const b = new LpBuilder();
  const n = p.hours.length;
  const columns: ResourceColumns[] = [];
  const net: NetTerms[][] = [];
  for (const rp of p.resources) {
    const added = addResource(b, p, rp);
    columns.push(added.columns);
    net.push(added.net);
  }
  const all = p.resources.map((_, i) => i);
  let shortfall: Int32Array | undefined;
  let targetRows: Int32Array | undefined;
  const target = p.targetKW;
  if (target) {
    // A zero target asks for nothing: rebound and catch-up charging may land there (feeder caps can still forbid it).
    shortfall = cols(n, (t) => (target[t] > 0 ? b.addCol(0, Infinity, p.penaltyPerKWh * p.hours[t]) : -1));
    const s = shortfall;
    targetRows = cols(n, (t) => {
      if (target[t] <= 0) return -1;
      const c = [s[t]];
      const v = [1];
      gather(net, all, t, c, v);
      const row = b.addRow(c, v, target[t], Infinity);
      b.startBasic(s[t], row);
      return row;
    });
  }
  const feederShortfall: (Int32Array | undefined)[] = [];
  const feederCapRows: (Int32Array | undefined)[] = [];
  p.feeders.forEach((f, fi) => {
    const members = all.filter((i) => p.resources[i].feeder === fi);
    const { capKW, forecastKW, maxReductionKW } = f;
    if (capKW && forecastKW) {
      const s = cols(n, (t) => b.addCol(0, Infinity, p.penaltyPerKWh * p.hours[t]));
      feederShortfall.push(s);
      feederCapRows.push(
        cols(n, (t) => {
          const c = [s[t]];
          const v = [1];
          gather(net, members, t, c, v);
          return b.addRow(c, v, forecastKW[t] - capKW[t], Infinity);
        }),
      );
    } else {
      feederShortfall.push(undefined);
      feederCapRows.push(undefined);
    }
    if (maxReductionKW !== undefined && members.length > 0) {
      for (let t = 0; t < n; t++) {
        const c: number[] = [];
        const v: number[] = [];
        gather(net, members, t, c, v);
        b.addRow(c, v, -Infinity, maxReductionKW);
      }
    }
  });
  return {
    lp: b.build(emptyPlan(p, b.numCols, columns, shortfall, feederShortfall)),
    columns,
    net,
    shortfall,
    targetRows,
    feederShortfall,
    feederCapRows,
  };
}
