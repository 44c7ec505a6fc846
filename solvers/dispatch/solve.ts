// Solves a validated dispatch problem by the method that suits it and reads the solution back into a plan.
import { UrbanflowError } from '../../src/errors.js';
import type { LpSolveOptions } from '../lp/index.js';
import { checkDispatchPlan } from './check.js';
import { canDecompose, DECOMPOSITION_ON_THIS_THREAD, type DecompositionExecutor } from './decomposition/index.js';
import { idlePlan, solveFullModel } from './full-model.js';
import type { DispatchPlan } from './plan.js';
import type { DispatchProblem } from './problem.js';
import { readPlan } from './read-plan.js';
import { netStoredEnergy } from './repair.js';
import type { DecompositionFallback, DispatchMethod, DispatchSolution } from './solution.js';

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
 * A plan the time budget stopped that the checker rejected, repaired (`repair.ts`: storages that charge and discharge
 * in one interval move one way only, at the same state of charge) when the repaired plan passes the checker; the plan
 * says so in `repairedPlan`. Undefined when there is nothing to repair or the repair breaks a rule too.
 */
function repairedPlan(
  p: DispatchProblem,
  s: DispatchSolution,
  violations: readonly string[],
): DispatchPlan | undefined {
  const repaired = netStoredEnergy(p, s);
  if (!repaired) return undefined;
  const plan = readPlan(p, repaired.solution);
  if (checkDispatchPlan(p.request, plan).length > 0) return undefined;
  return {
    ...plan,
    repairedPlan: {
      violations: violations.slice(0, LISTED_VIOLATIONS),
      nettedIntervals: repaired.nettedIntervals,
      scaledResources: repaired.scaledResources,
    },
  };
}

/**
 * Solves the problem to optimality (LP) or to the MIP gap. Every plan passes the independent checker before it is
 * returned: a decomposition plan that breaks a rule is set aside for the full model's (the plan then says so in
 * `rejectedPlan`), and a full-model plan that breaks one is an error (UF_ERR_INTERNAL), as is a failing backend.
 * A problem meant for the decomposition that the full model solved says why in `decomposition.fallback`.
 *
 * The time budget (timeLimitSeconds) bounds the whole solve: the full model after the decomposition gets what the
 * decomposition left. When it runs out the best checked plan found is returned with `timeLimit` (its proven bound
 * and gap): the decomposition's plan outside the gap, the full model's incumbent, or the idle plan if none. A stopped
 * plan the checker rejects is repaired when the repair passes the checker (`repairedPlan` says so), else set aside
 * for the next best checked plan.
 */
export async function solveDispatch(
  p: DispatchProblem,
  solveOptions: DispatchSolveOptions = {},
): Promise<DispatchPlan> {
  // The request's gap and time budget hold unless the caller (a benchmark, a test) overrides them.
  const { decomposition: executor = DECOMPOSITION_ON_THIS_THREAD, ...options }: DispatchSolveOptions = {
    mipRelGap: p.mipGap,
    timeLimitSeconds: p.timeLimitSeconds,
    ...solveOptions,
  };
  const started = performance.now();
  const budgetMs = options.timeLimitSeconds !== undefined ? options.timeLimitSeconds * 1000 : Infinity;
  const leftMs = () => budgetMs - (performance.now() - started);
  let rejectedPlan: DispatchPlan['rejectedPlan'];
  let fallback: DecompositionFallback | undefined;
  /** A checked decomposition plan outside the requested gap, and the bound it is proven against. */
  let outsideGap: { plan: DispatchPlan; lowerBound: number } | undefined;
  if (chooseMethod(p, options) === 'decomposition') {
    const outcome = await executor.run({
      problem: p,
      mipRelGap: options.mipRelGap,
      timeLimitSeconds: options.timeLimitSeconds,
    });
    if ('fallback' in outcome) fallback = outcome.fallback;
    else {
      const s = outcome.solution;
      const plan = readPlan(p, s);
      const violations = checkDispatchPlan(p.request, plan);
      // a MIP plan not proven within the requested gap goes to the full model's branch and bound, unless the time is up
      const withinGap = s.timeLimit || !(s.mipGap !== undefined && s.mipGap > options.mipRelGap!);
      if (violations.length === 0 && withinGap) return plan;
      const repaired = s.timeLimit && violations.length > 0 ? repairedPlan(p, s, violations) : undefined;
      if (repaired) return repaired;
      if (violations.length === 0) {
        outsideGap = { plan, lowerBound: s.decomposition?.lowerBound ?? -Infinity };
        fallback = {
          reason: 'gap-not-proven',
          message: `the decomposition proved a gap of ${s.mipGap}, above the requested ${options.mipRelGap}`,
        };
      } else {
        rejectedPlan = { method: 'decomposition', violations: violations.slice(0, LISTED_VIOLATIONS) };
        fallback = {
          reason: 'plan-rejected',
          message: `the decomposition's plan broke ${violations.length} rule(s) of the request`,
        };
      }
    }
  }
  const timeUp = (plan: DispatchPlan, lowerBound: number | null): DispatchPlan => ({
    ...plan,
    status: 'feasible',
    timeLimit: {
      seconds: budgetMs / 1000,
      lowerBound,
      gap:
        lowerBound === null
          ? null
          : Math.max(0, (plan.objective - lowerBound) / Math.max(Math.abs(plan.objective), 1e-9)),
    },
  });
  const bestOf = (a: DispatchPlan) => {
    if (!a.timeLimit) return a;
    if (!outsideGap) return timeUp(a, a.timeLimit.lowerBound);
    // the time ran out in the full model: the better plan, against the better bound
    const bounds = [outsideGap.lowerBound, a.timeLimit.lowerBound ?? -Infinity].filter(Number.isFinite);
    const bound = bounds.length ? Math.max(...bounds) : null;
    return timeUp(a.objective <= outsideGap.plan.objective ? a : outsideGap.plan, bound);
  };
  if (outsideGap && leftMs() <= 0)
    return timeUp(outsideGap.plan, Number.isFinite(outsideGap.lowerBound) ? outsideGap.lowerBound : null);
  const remaining = Number.isFinite(budgetMs) ? { timeLimitSeconds: Math.max(0.001, leftMs() / 1000) } : {};
  const solved =
    leftMs() > 0 ? await solveFullModel(p, { ...options, ...remaining }) : idlePlan(p, null, budgetMs / 1000);
  let fullPlan = readPlan(p, solved);
  const fullViolations = checkDispatchPlan(p.request, fullPlan);
  if (fullViolations.length > 0 && solved.timeLimit) {
    // an incumbent the budget stopped: repaired if it can be, else the best checked plan (the idle plan at worst)
    const repaired = repairedPlan(p, solved, fullViolations);
    if (repaired) fullPlan = repaired;
    else {
      rejectedPlan ??= { method: 'full-model', violations: fullViolations.slice(0, LISTED_VIOLATIONS) };
      fullPlan = readPlan(p, idlePlan(p, solved.timeLimit.lowerBound, budgetMs / 1000));
    }
  }
  const plan = bestOf(fullPlan);
  const violations = checkDispatchPlan(p.request, plan);
  if (violations.length > 0) {
    throw new UrbanflowError(
      'UF_ERR_INTERNAL',
      `dispatch plan rejected by its checker: ${violations.slice(0, LISTED_VIOLATIONS).join('; ')}`,
      { violations: violations.length, backend: plan.backend },
    );
  }
  // the fallback's reason goes with a full-model plan; a decomposition plan kept at the time limit carries its own figures
  return {
    ...plan,
    ...(rejectedPlan ? { rejectedPlan } : {}),
    ...(fallback && !plan.decomposition ? { decomposition: { fallback } } : {}),
  };
}
