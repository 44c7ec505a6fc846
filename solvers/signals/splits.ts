// Green splits at a given cycle: the LP that maximizes the common reserve-capacity factor, and Webster's proportional split.
import { UrbanflowError } from '../../src/errors.js';
import { jsLpSolver as solver, type SolveResult } from '../lp/index.js';
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

function solveLevel(model: TimingModel, cycle: number, integer = false): number[] {
  const constraints: Record<string, { min?: number; max?: number; equal?: number }> = {
    cycle: { equal: cycle },
    cap: { max: MAX_RESERVE_FACTOR },
  };
  const variables: Record<string, Record<string, number>> = { mu: { mu: 1, cap: 1 } };
  model.phases.forEach((p, i) => {
    constraints[`min${i}`] = { min: p.minSplit };
    variables[`s${i}`] = { [`min${i}`]: 1 };
  });
  for (let b = 0; b < model.rings[0].length; b++) {
    variables[`b${b}`] = { cycle: 1 };
    model.rings.forEach((ring, r) => {
      if (ring[b].length === 0) return;
      const row = `ring${r}_${b}`;
      constraints[row] = { equal: 0 };
      variables[`b${b}`][row] = -1;
      for (const p of ring[b]) variables[`s${p}`][row] = 1;
    });
  }
  model.laneGroups.forEach((g, i) => {
    if (g.flowRatio === 0) return;
    const row = `lg${i}`;
    constraints[row] = { max: -g.phases.reduce((s, p) => s + model.phases[p].lostTime, 0) };
    variables.mu[row] = g.flowRatio * cycle;
    for (const p of g.phases) variables[`s${p}`][row] = -1;
  });
  const ints = integer
    ? Object.fromEntries(
        Object.keys(variables)
          .filter((v) => v !== 'mu')
          .map((v) => [v, 1 as const]),
      )
    : undefined;
  const result = solver.Solve({
    optimize: 'mu',
    opType: 'max',
    constraints,
    variables,
    ...(ints ? { ints } : {}),
    options: { presolve: false },
  }) as SolveResult;
  if (!result.feasible) {
    throw new UrbanflowError(
      'UF_ERR_INFEASIBLE',
      `intersection ${model.id}: no split fits the minimums in a ${cycle} s cycle`,
      { cycle },
    );
  }
  return model.phases.map((_, i) => Number(result[`s${i}`] ?? 0));
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
