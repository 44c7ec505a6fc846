// Green splits at a given cycle: the LP that maximizes the common reserve-capacity factor, and Webster's proportional split.
import { UrbanflowError } from '../../src/errors.js';
import { LpBuilder, solveWithJsLpNow, type LpModel } from '../lp/index.js';
import type { CriticalPath } from './cycle.js';
import type { TimingModel } from './model.js';

/** Cap on the reserve factor so an intersection without demand still has a bounded LP. */
const MAX_RESERVE_FACTOR = 1000;

/** Effective green each lane group receives from `splits` (seconds per phase, yellow and red clearance included). */
export function laneGroupGreens(model: TimingModel, splits: number[]): number[] {
  return model.laneGroups.map((g) => g.phases.reduce((s, p) => s + splits[p] - model.phases[p].lostTime, 0));
}

/** Largest degree of saturation x = y C / g over lane groups. */
export function maxDegreeOfSaturation(model: TimingModel, cycle: number, splits: number[]): number {
  const greens = laneGroupGreens(model, splits);
  return Math.max(0, ...model.laneGroups.map((g, i) => (g.flowRatio === 0 ? 0 : (g.flowRatio * cycle) / greens[i])));
}

/**
 * Maximize mu subject to mu * y_i * C <= sum of the effective greens serving lane group i, every split at
 * least its minimum, and in each barrier group every ring's splits adding up to the same barrier time, the
 * barrier times adding up to C. The optimum mu is the common reserve factor; 1 / mu is the smallest
 * achievable largest degree of saturation, so the same LP equalizes saturation when demand exceeds capacity.
 *
 * The optimum leaves the spare time of a barrier's non-critical ring at an arbitrary vertex; each ring's
 * share of a barrier is then re-divided to give its own lane groups the largest common reserve factor.
 */
export function lpSplits(model: TimingModel, cycle: number): number[] {
  const splits = solveLevel(model, cycle);
  for (const ring of model.rings) for (const phases of ring) rebalance(model, cycle, phases, splits);
  return splits;
}

/**
 * Water-filling inside one ring's part of a barrier, its total fixed: the t with
 * sum_p max(minSplit_p, lostTime_p + t * Y_p * C) = total, where Y_p is the phase's largest flow ratio.
 * Only done when the phases' lane groups are served by no other phase, so nothing outside changes.
 */
function rebalance(model: TimingModel, cycle: number, phases: number[], splits: number[]): void {
  if (phases.length < 2) return;
  const own = phases.every((p) => model.phases[p].laneGroups.every((g) => model.laneGroups[g].phases.length === 1));
  if (!own) return;
  const total = phases.reduce((s, p) => s + splits[p], 0);
  const demand = phases.map(
    (p) => Math.max(0, ...model.phases[p].laneGroups.map((g) => model.laneGroups[g].flowRatio)) * cycle,
  );
  const weight = demand.reduce((s, d) => s + d, 0);
  if (weight === 0) return;
  // Start with every phase with demand above its minimum; drop those whose minimum exceeds the level found.
  const atMin = phases.map((_, k) => demand[k] === 0);
  let t = 0;
  for (let round = 0; round <= phases.length; round++) {
    let fixed = 0;
    let slope = 0;
    phases.forEach((p, k) => {
      if (atMin[k]) fixed += model.phases[p].minSplit;
      else {
        fixed += model.phases[p].lostTime;
        slope += demand[k];
      }
    });
    t = slope > 0 ? (total - fixed) / slope : 0;
    let changed = false;
    phases.forEach((p, k) => {
      if (!atMin[k] && model.phases[p].lostTime + t * demand[k] < model.phases[p].minSplit)
        [atMin[k], changed] = [true, true];
    });
    if (!changed) break;
  }
  if (t <= 0) return;
  phases.forEach(
    (p, k) => (splits[p] = atMin[k] ? model.phases[p].minSplit : model.phases[p].lostTime + t * demand[k]),
  );
}

/**
 * The same LP with every split and barrier time a whole number of seconds (a small MILP, branch and bound in
 * javascript-lp-solver): the whole-second splits with the smallest possible largest degree of saturation.
 */
export function wholeSecondLevel(model: TimingModel, cycle: number): number[] {
  return solveLevel(model, cycle, true).map((v) => Math.round(v));
}

/**
 * The level LP as an LpModel: columns mu, then a split per phase, then a time per barrier; rows in the order the
 * simplex meets them (cycle, reserve cap, split minimums, ring-barrier sums, lane-group capacities).
 */
export function levelModel(model: TimingModel, cycle: number, integer = false): LpModel {
  const lp = new LpBuilder();
  const mu = lp.addCol(0, Infinity, -1);
  const split = model.phases.map(() => lp.addCol(0, Infinity, 0, integer));
  const barrier = model.rings[0].map(() => lp.addCol(0, Infinity, 0, integer));
  lp.addRow(
    barrier,
    barrier.map(() => 1),
    cycle,
    cycle,
  );
  lp.addRow([mu], [1], -Infinity, MAX_RESERVE_FACTOR);
  model.phases.forEach((p, i) => lp.addRow([split[i]], [1], p.minSplit, Infinity));
  for (let b = 0; b < barrier.length; b++)
    for (const ring of model.rings) {
      if (ring[b].length === 0) continue;
      lp.addRow([barrier[b], ...ring[b].map((p) => split[p])], [-1, ...ring[b].map(() => 1)], 0, 0);
    }
  for (const g of model.laneGroups) {
    if (g.flowRatio === 0) continue;
    const phases = [...new Set(g.phases)];
    const lost = g.phases.reduce((s, p) => s + model.phases[p].lostTime, 0);
    lp.addRow([mu, ...phases.map((p) => split[p])], [g.flowRatio * cycle, ...phases.map(() => -1)], -Infinity, -lost);
  }
  return lp.build();
}

function solveLevel(model: TimingModel, cycle: number, integer = false): number[] {
  // Presolve off, as the splits have always been computed: the LP has many optimal vertices, and presolving can
  // end on another one (a different starting point for the rebalancing below).
  const result = solveWithJsLpNow(levelModel(model, cycle, integer), { presolve: false });
  if (result.status !== 'optimal' && result.status !== 'feasible') {
    throw new UrbanflowError(
      'UF_ERR_INFEASIBLE',
      `intersection ${model.id}: no split fits the minimums in a ${cycle} s cycle`,
      { cycle },
    );
  }
  return model.phases.map((_, i) => result.x[1 + i]);
}

/**
 * Webster's split: each barrier gets its critical ring's lost time plus effective green in proportion to its
 * flow ratios; inside each ring a barrier's effective green is shared in proportion to the phases' ratios.
 * Minimums are not enforced; `null` when a ring's lost time does not fit its barrier.
 */
export function websterSplits(model: TimingModel, cycle: number, path: CriticalPath): number[] | null {
  const splits = new Array<number>(model.phases.length).fill(0);
  const barriers = model.rings[0].length;
  const green = cycle - path.lostTime;
  for (let b = 0; b < barriers; b++) {
    const crit = model.rings[path.criticalRing[b]][b];
    const yb = crit.reduce((s, p) => s + path.phaseRatio[p], 0);
    const lb = crit.reduce((s, p) => s + model.phases[p].lostTime, 0);
    const barrier = lb + (path.flowRatio > 0 ? (green * yb) / path.flowRatio : green / barriers);
    for (const ring of model.rings) {
      const phases = ring[b];
      if (phases.length === 0) continue;
      const lost = phases.reduce((s, p) => s + model.phases[p].lostTime, 0);
      const sum = phases.reduce((s, p) => s + path.phaseRatio[p], 0);
      const effective = barrier - lost;
      if (effective < 0) return null;
      for (const p of phases) {
        splits[p] =
          model.phases[p].lostTime + (sum > 0 ? (effective * path.phaseRatio[p]) / sum : effective / phases.length);
      }
    }
  }
  return splits;
}
