// Solves a validated dispatch problem by the method that suits it and reads the solution back into a plan.
import type { LpSolveOptions } from '../lp/index.js';
import { canDecompose, runDecomposition } from './decomposition/index.js';
import { solveFullModel } from './full-model.js';
import type { DispatchPlan } from './plan.js';
import type { DispatchProblem } from './problem.js';
import { readPlan } from './read-plan.js';
import type { DispatchMethod, DispatchSolution } from './solution.js';

export interface DispatchSolveOptions extends LpSolveOptions {
  /**
   * 'auto' (default): column generation for problems of at least DECOMPOSE_FROM resource-intervals, unless a backend is
   * named; the full model otherwise. 'decomposition' falls back to the full model for what it cannot solve (call
   * decisions of batteries and EV fleets) and for MIPs whose gap it does not prove within mipRelGap.
   */
  readonly method?: 'auto' | DispatchMethod;
}

/**
 * Below this many resource-intervals the full model is small enough that one simplex beats the rounds of column
 * generation (synthetic 60 × 48: full model ~0.1 s).
 */
export const DECOMPOSE_FROM = 4000;

export function chooseMethod(p: DispatchProblem, options: DispatchSolveOptions = {}): DispatchMethod {
  const wanted = options.method ?? 'auto';
  if (!canDecompose(p)) return 'full-model';
  if (wanted !== 'auto') return wanted;
  if (options.backend === 'jslp' || options.backend === 'highs') return 'full-model';
  return p.resources.length * p.hours.length >= DECOMPOSE_FROM ? 'decomposition' : 'full-model';
}

/** Solves the problem to optimality (LP) or to the MIP gap; throws UF_ERR_INTERNAL if the backend fails. */
export async function solveDispatch(p: DispatchProblem, solveOptions: DispatchSolveOptions = {}): Promise<DispatchPlan> {
  // The request's gap and time budget hold unless the caller (a benchmark, a test) overrides them.
  const options: DispatchSolveOptions = { mipRelGap: p.mipGap, timeLimitSeconds: p.timeLimitSeconds, ...solveOptions };
  let s: DispatchSolution | undefined;
  if (chooseMethod(p, options) === 'decomposition') {
    s = await runDecomposition(p, options.mipRelGap);
    // a MIP plan not proven within the requested gap goes to the full model's branch and bound
    if (s?.mipGap !== undefined && s.mipGap > options.mipRelGap!) s = undefined;
  }
  s ??= await solveFullModel(p, options);
  return readPlan(p, s);
}
