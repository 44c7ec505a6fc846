// A coarse-time version of a dispatch problem, solved first for prices that start the full column generation near its optimum.
import type { DispatchProblem, FeederProblem, ResourceProblem } from '../problem.js';
import type { DrResource } from '../request.js';
import type { Coupling } from './coupling.js';

/** Interval groups of `factor` consecutive intervals: [first, end) per group. */
function groups(n: number, factor: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += factor) out.push([s, Math.min(n, s + factor)]);
  return out;
}

/** Hours-weighted mean of v over each group. */
function mean(v: Float64Array, g: Array<[number, number]>, hours: Float64Array): Float64Array {
  return Float64Array.from(g, ([s, e]) => {
    let sum = 0;
    let h = 0;
    for (let t = s; t < e; t++) ((sum += v[t] * hours[t]), (h += hours[t]));
    return h > 0 ? sum / h : 0;
  });
}

/**
 * Merges every `factor` intervals into one. Targets, caps and forecasts become hours-weighted means, a group is
 * available where all its intervals are, EV baselines are averaged, and ramps on storages and HVAC are dropped
 * (their rows are the costly part of pricing, and only approximate prices are wanted); ramps on industrial loads
 * scale with the group length, and call decisions are relaxed away. The result is an approximation used only to seed
 * duals, never as an answer.
 */
export function coarsen(p: DispatchProblem, factor: number): DispatchProblem {
  const n = p.hours.length;
  const g = groups(n, factor);
  const hours = Float64Array.from(g, ([s, e]) => p.hours.subarray(s, e).reduce((a, b) => a + b, 0));
  const feeders: FeederProblem[] = p.feeders.map((f) => ({
    id: f.id,
    ...(f.capKW ? { capKW: mean(f.capKW, g, p.hours) } : {}),
    ...(f.forecastKW ? { forecastKW: mean(f.forecastKW, g, p.hours) } : {}),
    ...(f.maxReductionKW !== undefined ? { maxReductionKW: f.maxReductionKW } : {}),
  }));
  const resources: ResourceProblem[] = p.resources.map((rp) => {
    const r = rp.resource;
    const ramp =
      r.kind === 'industrial' && r.rampKWPerInterval !== undefined
        ? { rampKWPerInterval: r.rampKWPerInterval * factor }
        : { rampKWPerInterval: undefined };
    const baseline =
      r.kind === 'ev' && typeof r.baselineKW !== 'number'
        ? { baselineKW: Array.from(mean(Float64Array.from(r.baselineKW), g, p.hours)) }
        : {};
    const resource = { ...r, ...ramp, ...baseline } as DrResource;
    const available = Uint8Array.from(g, ([s, e]) => (rp.available.subarray(s, e).every((a) => a === 1) ? 1 : 0));
    // call decisions are left out: the coarse problem is an LP that only prices
    return { ...rp, resource, available, callDecisions: false };
  });
  return {
    request: p.request,
    startMs: Float64Array.from(g, ([s]) => p.startMs[s]),
    endMs: Float64Array.from(g, ([, e]) => p.endMs[e - 1]),
    hours,
    ...(p.targetKW ? { targetKW: mean(p.targetKW, g, p.hours) } : {}),
    feeders,
    penaltyPerKWh: p.penaltyPerKWh,
    mipGap: p.mipGap,
    timeLimitSeconds: p.timeLimitSeconds,
    resources,
  };
}

/**
 * Fine duals from coarse ones: a coarse row's dual is a price per kW over its group, so the price per kWh it implies
 * is spread over the group's intervals by their hours.
 */
export function refineDuals(
  coarseDual: Float64Array,
  coarse: Coupling,
  fine: Coupling,
  p: DispatchProblem,
  factor: number,
): Float64Array {
  const out = new Float64Array(fine.numRows);
  const n = p.hours.length;
  for (let t = 0; t < n; t++) {
    const grp = Math.floor(t / factor);
    let gh = 0;
    for (let k = grp * factor; k < Math.min(n, (grp + 1) * factor); k++) gh += p.hours[k];
    const cr = coarse.rowsAt(grp);
    const fr = fine.rowsAt(t);
    for (let k = 0; k < fr.length; k++)
      if (cr[k] >= 0 && fr[k] >= 0) out[fr[k]] = (coarseDual[cr[k]] / gh) * p.hours[t];
  }
  return out;
}

/** Fine coupling rows (1 by row) in the intervals of the coarse rows held (1 by row). */
export function refineHeldRows(
  coarseHeld: Uint8Array,
  coarse: Coupling,
  fine: Coupling,
  n: number,
  factor: number,
): Uint8Array {
  const out = new Uint8Array(fine.numRows);
  for (let t = 0; t < n; t++) {
    const cr = coarse.rowsAt(Math.floor(t / factor));
    const fr = fine.rowsAt(t);
    for (let k = 0; k < fr.length; k++) if (cr[k] >= 0 && fr[k] >= 0 && coarseHeld[cr[k]] === 1) out[fr[k]] = 1;
  }
  return out;
}
