// The split level LP as an LpModel gives, through the LP layer's javascript-lp-solver backend, exactly the splits of
// the same LP written directly in javascript-lp-solver's named JSON form (its earlier formulation), LP and MILP.
import { describe, expect, it } from 'vitest';
import { jsLpSolver, solveWithJsLpNow, type SolveResult } from '../../../solvers/lp/index.js';
import { chooseCycle, criticalPath } from '../../../solvers/signals/cycle.js';
import { randomIntersection } from '../../../solvers/signals/generate.js';
import { DEFAULT_PLANNER_OPTIONS } from '../../../solvers/signals/index.js';
import { buildModel, type TimingModel } from '../../../solvers/signals/model.js';
import { levelModel } from '../../../solvers/signals/splits.js';

/** The level LP built by hand in jsLPSolver's JSON: maximize mu, rows named, variables by name. */
function directLevel(model: TimingModel, cycle: number, integer: boolean): number[] {
  const constraints: Record<string, { min?: number; max?: number; equal?: number }> = {
    cycle: { equal: cycle },
    cap: { max: 1000 },
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
      constraints[`ring${r}_${b}`] = { equal: 0 };
      variables[`b${b}`][`ring${r}_${b}`] = -1;
      for (const p of ring[b]) variables[`s${p}`][`ring${r}_${b}`] = 1;
    });
  }
  model.laneGroups.forEach((g, i) => {
    if (g.flowRatio === 0) return;
    constraints[`lg${i}`] = { max: -g.phases.reduce((s, p) => s + model.phases[p].lostTime, 0) };
    variables.mu[`lg${i}`] = g.flowRatio * cycle;
    for (const p of g.phases) variables[`s${p}`][`lg${i}`] = -1;
  });
  const ints = integer
    ? Object.fromEntries(
        Object.keys(variables)
          .filter((v) => v !== 'mu')
          .map((v) => [v, 1 as const]),
      )
    : undefined;
  const result = jsLpSolver.Solve({
    optimize: 'mu',
    opType: 'max',
    constraints,
    variables,
    ...(ints ? { ints } : {}),
    options: { presolve: false },
  }) as SolveResult;
  return model.phases.map((_, i) => Number(result[`s${i}`] ?? 0));
}

describe('the split level LP through the LP layer', () => {
  for (const integer of [false, true])
    it(`gives the same ${integer ? 'whole-second ' : ''}splits as the direct formulation on 150 generated intersections`, () => {
      for (let seed = 1; seed <= 150; seed++) {
        const model = buildModel(randomIntersection(seed, 0.5 + (seed % 7) / 5), DEFAULT_PLANNER_OPTIONS);
        const { cycle } = chooseCycle(model, criticalPath(model), DEFAULT_PLANNER_OPTIONS);
        const viaModel = solveWithJsLpNow(levelModel(model, cycle, integer), { presolve: false });
        const splits = model.phases.map((_, i) => viaModel.x[1 + i]);
        expect({ seed, splits }).toEqual({ seed, splits: directLevel(model, cycle, integer) });
      }
    });
});
