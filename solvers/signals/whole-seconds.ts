// Whole-second splits (NTCIP split times are integers) with the smallest largest degree of saturation at the cycle.
import type { TimingModel } from './model.js';
import { roundSplits } from './rounding.js';
import { maxDegreeOfSaturation, wholeSecondLevel } from './splits.js';

const REL_TOL = 1e-9;

/**
 * Whole-second splits at `cycle` from the LP's splits `lp`. Largest-remainder rounding keeps every sum and minimum
 * and is kept when it already reaches the LP's largest v/c (no whole-second plan does better); otherwise the
 * whole-second MILP decides, and each ring's share of a barrier is spread over its phases one second at a time
 * to the phase whose lane groups are most saturated, which is optimal for that share and never raises the largest v/c.
 */
export function wholeSecondSplits(model: TimingModel, cycle: number, lp: number[]): number[] {
  const rounded = roundSplits(model.rings, lp, cycle);
  const bound = maxDegreeOfSaturation(model, cycle, lp);
  const roundedX = maxDegreeOfSaturation(model, cycle, rounded);
  if (roundedX <= bound * (1 + REL_TOL)) return rounded;
  const exact = wholeSecondLevel(model, cycle);
  for (const ring of model.rings) for (const phases of ring) spreadSeconds(model, cycle, phases, exact);
  return maxDegreeOfSaturation(model, cycle, exact) < roundedX * (1 - REL_TOL) ? exact : rounded;
}

/**
 * Re-divides the whole seconds of one ring's part of a barrier, its total kept: from the minimum splits, each
 * second goes to the phase with the largest degree of saturation (greedy is exact for a minimax of decreasing
 * functions of one variable each). Only where the phases' lane groups are served by no other phase.
 */
function spreadSeconds(model: TimingModel, cycle: number, phases: number[], splits: number[]): void {
  if (phases.length < 2) return;
  const own = phases.every((p) => model.phases[p].laneGroups.every((g) => model.laneGroups[g].phases.length === 1));
  if (!own) return;
  const demand = phases.map((p) => Math.max(0, ...model.phases[p].laneGroups.map((g) => model.laneGroups[g].flowRatio)) * cycle);
  if (demand.every((d) => d === 0)) return;
  const total = phases.reduce((s, p) => s + splits[p], 0);
  const out = phases.map((p) => model.phases[p].minSplit);
  const degree = (k: number): number => {
    if (demand[k] === 0) return 0;
    const green = out[k] - model.phases[phases[k]].lostTime;
    return green > 0 ? demand[k] / green : Infinity;
  };
  for (let left = total - out.reduce((s, v) => s + v, 0); left > 0; left--) {
    let worst = 0;
    for (let k = 1; k < phases.length; k++) if (degree(k) > degree(worst)) worst = k;
    out[worst]++;
  }
  phases.forEach((p, k) => (splits[p] = out[k]));
}
