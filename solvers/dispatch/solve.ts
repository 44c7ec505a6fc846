// Solves a validated dispatch problem by the method that suits it and reads the solution back into a plan.
import { UrbanflowError } from '../../src/errors.js';
import type { LpSolveOptions } from '../lp/index.js';
import { checkDispatchPlan } from './check.js';
import { canDecompose, DECOMPOSITION_ON_THIS_THREAD, type DecompositionExecutor } from './decomposition/index.js';
import { solveFullModel } from './full-model.js';
import type { DispatchPlan } from './plan.js';
import type { DispatchProblem } from './problem.js';
import { readPlan } from './read-plan.js';
import type { DecompositionFallback, DispatchMethod } from './solution.js';

export interface DispatchSolveOptions extends LpSolveOptions {
  /**
   * 'auto' (default): column generation for problems of at least DECOMPOSE_FROM resource-intervals, unless a backend is
   * named; the full model otherwise. 'decomposition' falls back to the full model for what it cannot solve (call
   * decisions of batteries and EV fleets) and for MIPs whose gap it does not prove within mipRelGap.
   */
  readonly method?: 'auto' | DispatchMethod;
  /** Where decomposition solves run (the solver runtime's threads); on the calling thread when absent. */
  readonly decomposition?: DecompositionExecutor;
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

/** Violations listed in an error or a plan's note: enough to find the rule, not the whole list. */
const LISTED_VIOLATIONS = 5;

/**
 * Solves the problem to optimality (LP) or to the MIP gap. Every plan passes the independent checker before it is
 * returned: a decomposition plan that breaks a rule is set aside for the full model's (the plan then says so in
 * `rejectedPlan`), and a full-model plan that breaks one is an error (UF_ERR_INTERNAL), as is a failing backend.
 * A problem meant for the decomposition that the full model solved says why in `decomposition.fallback`.
 */
export async function solveDispatch(p: DispatchProblem, solveOptions: DispatchSolveOptions = {}): Promise<DispatchPlan> {
  // The request's gap and time budget hold unless the caller (a benchmark, a test) overrides them.
  const { decomposition: executor = DECOMPOSITION_ON_THIS_THREAD, ...options }: DispatchSolveOptions = { mipRelGap: p.mipGap, timeLimitSeconds: p.timeLimitSeconds, ...solveOptions };
  let rejectedPlan: DispatchPlan['rejectedPlan'];
  let fallback: DecompositionFallback | undefined;
  if (chooseMethod(p, options) === 'decomposition') {
    const outcome = await executor.run({ problem: p, mipRelGap: options.mipRelGap, timeLimitSeconds: options.timeLimitSeconds });
    if ('fallback' in outcome) fallback = outcome.fallback;
    else if (!outcome.solution.timeLimit && outcome.solution.mipGap !== undefined && outcome.solution.mipGap > options.mipRelGap!) {
      // a MIP plan not proven within the requested gap goes to the full model's branch and bound, unless the time is up
      fallback = { reason: 'gap-not-proven', message: `the decomposition proved a gap of ${outcome.solution.mipGap}, above the requested ${options.mipRelGap}` };
    } else {
      const plan = readPlan(p, outcome.solution);
      const violations = checkDispatchPlan(p.request, plan);
      if (violations.length === 0) return plan;
      rejectedPlan = { method: 'decomposition', violations: violations.slice(0, LISTED_VIOLATIONS) };
      fallback = { reason: 'plan-rejected', message: `the decomposition's plan broke ${violations.length} rule(s) of the request` };
    }
  }
  const plan = readPlan(p, await solveFullModel(p, options));
  const violations = checkDispatchPlan(p.request, plan);
  if (violations.length > 0) {
    throw new UrbanflowError('UF_ERR_INTERNAL', `dispatch plan rejected by its checker: ${violations.slice(0, LISTED_VIOLATIONS).join('; ')}`, { violations: violations.length, backend: plan.backend });
  }
  return { ...plan, ...(rejectedPlan ? { rejectedPlan } : {}), ...(fallback ? { decomposition: { fallback } } : {}) };
}
