// Whole-second splits (NTCIP split times are integers) with the smallest largest degree of saturation at the cycle.
import type { TimingModel } from './model.js';
import { roundSplits } from './rounding.js';
import { maxDegreeOfSaturation, wholeSecondLevel } from './splits.js';

const REL_TOL = 1e-9;

/**
 * Whole-second splits at `cycle` from the LP's splits `lp`: the largest-remainder rounding of them when no
 * whole-second split has a smaller largest v/c (plans stay as they were wherever rounding was already best), else
 * the best whole-second split. Where every lane group is served by one phase, that split comes from a greedy
 * allocation of seconds, which is exact there; otherwise from the split LP solved with whole-second variables.
 */
export function wholeSecondSplits(model: TimingModel, cycle: number, lp: number[]): number[] {
  const rounded = roundSplits(model.rings, lp, cycle);
  const roundedX = maxDegreeOfSaturation(model, cycle, rounded);
  if (roundedX <= maxDegreeOfSaturation(model, cycle, lp) * (1 + REL_TOL)) return rounded;
  const single = model.laneGroups.every((g) => g.phases.length === 1);
  const exact = single ? greedySeconds(model, cycle) : wholeSecondLevel(model, cycle);
  return maxDegreeOfSaturation(model, cycle, exact) < roundedX * (1 - REL_TOL) ? exact : rounded;
}

/**
 * With each lane group served by one phase, a phase's largest v/c falls as its split grows and depends on nothing
 * else. From the minimum splits, each barrier starts at its longest ring; then every further second goes to the
 * barrier holding the most saturated phase, and inside each ring of that barrier to the ring's most saturated
 * phase. Handing each unit to the current maximum is exact for a minimax of decreasing functions under a fixed
 * total, at both levels (a ring's best split of a barrier time grows by one such step per second).
 */
function greedySeconds(model: TimingModel, cycle: number): number[] {
  const splits = model.phases.map((p) => p.minSplit);
  const demand = model.phases.map(
    (p) => Math.max(0, ...p.laneGroups.map((g) => model.laneGroups[g].flowRatio)) * cycle,
  );
  const degree = (p: number): number => {
    if (demand[p] === 0) return 0;
    const green = splits[p] - model.phases[p].lostTime;
    return green > 0 ? demand[p] / green : Infinity;
  };
  const worstOf = (phases: number[]): number => {
    let w = phases[0];
    for (let k = 1; k < phases.length; k++) if (degree(phases[k]) > degree(w)) w = phases[k];
    return w;
  };
  const barriers = model.rings[0].length;
  const cells = Array.from({ length: barriers }, (_, b) =>
    model.rings.map((ring) => ring[b]).filter((phases) => phases.length > 0),
  );
  const time = cells.map((cs) => Math.max(...cs.map((phases) => phases.reduce((s, p) => s + splits[p], 0))));
  // rings shorter than their barrier take the difference, second by second, where it helps them most
  cells.forEach((cs, b) => {
    for (const phases of cs)
      for (let left = time[b] - phases.reduce((s, p) => s + splits[p], 0); left > 0; left--) splits[worstOf(phases)]++;
  });
  for (let left = cycle - time.reduce((s, t) => s + t, 0); left > 0; left--) {
    let best = 0;
    let bestDegree = -1;
    for (let b = 0; b < barriers; b++) {
      for (const phases of cells[b]) {
        const d = degree(worstOf(phases));
        if (d > bestDegree) ((best = b), (bestDegree = d));
      }
    }
    time[best]++;
    for (const phases of cells[best]) splits[worstOf(phases)]++;
  }
  return splits;
}
