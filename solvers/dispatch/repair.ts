// Repairs a plan the time budget stopped: storages that still charge and discharge in one interval move one way only.
import { blockOf, netOf, stateOf } from './decomposition/block.js';
import type { DispatchProblem } from './problem.js';
import type { DispatchSolution } from './solution.js';

/** Below this a value is solver noise (the plan reader's threshold). */
const EPS = 1e-6;
/** Slack on a ramp limit (kW), well inside the checker's tolerance. */
const RAMP_TOL = 1e-7;

export interface RepairedSolution {
  readonly solution: DispatchSolution;
  /** Resource-intervals whose charging and discharging were merged. */
  readonly nettedIntervals: number;
  /** Resources whose merged plan was scaled down to keep their ramp limit, with the factor. */
  readonly scaledResources: readonly { readonly id: string; readonly factor: number }[];
}

/** The largest factor (at most 1) that scales the plan's setpoint changes within the ramp limit. */
function rampFactor(ramp: number | undefined, primary: Float64Array, secondary: Float64Array): number {
  if (ramp === undefined) return 1;
  let before = 0;
  let jump = 0;
  for (let t = 0; t < primary.length; t++) {
    const sp = primary[t] - secondary[t];
    jump = Math.max(jump, Math.abs(sp - before));
    before = sp;
  }
  return jump <= ramp + RAMP_TOL ? 1 : ramp / jump;
}

/**
 * A mix of storage plans stopped away from the optimum can charge and discharge in one interval where netting at the
 * same setpoint would raise the state of charge past its bound (the solve nets wherever the state allows). Here each
 * such interval keeps its state change instead and moves one way only: discharge d and charge c become a discharge
 * of d − η·c, or a charge of c − d/η (η the round-trip efficiency; no loss for an EV fleet). Every state stays where
 * it was, so its bounds hold; the setpoint and the net reduction rise by the loss no longer taken, which lowers the
 * energy cost and any target or cap shortfall. Where that rise would break the resource's ramp limit, the merged plan
 * is scaled towards the idle plan until it keeps the ramp (the state, linear in the plan, stays within its bounds
 * between the two). A feeder's reduction limit is left to the checker. Returns undefined when no interval has both.
 */
export function netStoredEnergy(p: DispatchProblem, s: DispatchSolution): RepairedSolution | undefined {
  const n = p.hours.length;
  let netted = 0;
  const scaled: { id: string; factor: number }[] = [];
  const primary = s.primary.slice();
  const secondary = s.secondary.slice();
  const on = s.on.slice();
  const nets = p.resources.map(
    (_, i) => s.net?.[i] ?? netOf(blockOf(p, i), s.primary[i], s.secondary[i], new Float64Array(n)),
  );
  const net = nets.slice();
  const state = s.state?.slice();
  let objective = s.objective;
  for (let i = 0; i < p.resources.length; i++) {
    const sec = s.secondary[i];
    if (!sec || !s.primary[i].some((d, t) => d > EPS && sec[t] > EPS)) continue;
    const blk = blockOf(p, i);
    const storage = blk.storage!;
    const pr = Float64Array.from(s.primary[i]);
    const se = Float64Array.from(sec);
    let merged = 0;
    for (let t = 0; t < n; t++) {
      if (!(pr[t] > EPS && se[t] > EPS)) continue;
      // the state change of the interval, made by one column alone (the rates have opposite signs)
      const change = storage.primaryRate[t] * pr[t] + storage.secondaryRate[t] * se[t];
      const discharge = Math.max(0, change / storage.primaryRate[t]);
      pr[t] = discharge;
      se[t] = discharge > 0 ? 0 : Math.max(0, change / storage.secondaryRate[t]);
      merged++;
    }
    netted += merged;
    const factor = rampFactor(blk.ramp, pr, se);
    if (factor < 1) {
      // between the merged plan and the idle one (both keep the state bounds), the nearest that keeps the ramp
      for (let t = 0; t < n; t++) ((pr[t] *= factor), (se[t] *= factor));
      scaled.push({ id: p.resources[i].resource.id, factor });
      const was = on[i];
      if (was && factor === 0) {
        // its calls go, and their cost
        const calls = was.reduce((c, v, t) => c + (v === 1 && (t === 0 || was[t - 1] === 0) ? 1 : 0), 0);
        objective -= (p.resources[i].resource.costPerCall ?? 0) * calls;
        on[i] = new Uint8Array(n);
      }
    }
    for (let t = 0; t < n; t++) objective += blk.unitCost[t] * (pr[t] - s.primary[i][t]);
    primary[i] = pr;
    secondary[i] = se;
    net[i] = netOf(blk, pr, se, new Float64Array(n));
    if (state) state[i] = stateOf(storage, pr, se, new Float64Array(n));
  }
  if (netted === 0) return undefined;
  // shortfalls follow the net reductions, and the penalty with them
  const shortfall = Float64Array.from(s.shortfall);
  const feederShortfall = s.feederShortfall.map((f) => (f ? Float64Array.from(f) : undefined));
  const sum = (rows: readonly Float64Array[], t: number, feeder?: number) =>
    rows.reduce((acc, r, i) => (feeder === undefined || p.resources[i].feeder === feeder ? acc + r[t] : acc), 0);
  for (let t = 0; t < n; t++) {
    const penalty = p.penaltyPerKWh * p.hours[t];
    const target = p.targetKW ? p.targetKW[t] : 0;
    if (target > 0) {
      const after = Math.max(0, target - sum(net, t));
      objective += penalty * (after - Math.max(0, target - sum(nets, t)));
      shortfall[t] = after;
    }
    p.feeders.forEach((f, fi) => {
      const fs = feederShortfall[fi];
      if (!fs || !f.capKW || !f.forecastKW) return;
      const load = f.forecastKW[t] - f.capKW[t];
      const after = Math.max(0, load - sum(net, t, fi));
      objective += penalty * (after - Math.max(0, load - sum(nets, t, fi)));
      fs[t] = after;
    });
  }
  return {
    nettedIntervals: netted,
    scaledResources: scaled,
    solution: {
      ...s,
      primary,
      secondary,
      on,
      ...(s.net ? { net } : {}),
      ...(state ? { state } : {}),
      shortfall,
      feederShortfall,
      objective,
    },
  };
}
