// Small request builders for the dispatch tests.
import { solveDispatch, validateDispatchRequest, type DispatchPlan } from '../../../solvers/dispatch/index.js';
import type { LpBackendName } from '../../../solvers/lp/index.js';
import { checkDispatchPlan, type DecompositionOutcome } from '../../../solvers/dispatch/index.js';
import type { DispatchSolution } from '../../../solvers/dispatch/solution.js';

export const START = '2026-07-01T16:00:00.000Z';

export function request(
  resources: unknown[],
  targetKW: number[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { event: { start: START, intervalMinutes: 15, count: targetKW.length }, targetKW, resources, ...extra };
}

/** Validates, solves with the given backend, and asserts the independent checker accepts the plan. */
export async function solveChecked(
  req: Record<string, unknown>,
  backend: LpBackendName | 'auto' = 'auto',
): Promise<DispatchPlan> {
  const plan = await solveDispatch(validateDispatchRequest(req), { backend });
  const errors = checkDispatchPlan(req, plan);
  if (errors.length) throw new Error(`checker rejected the ${plan.backend} plan:\n${errors.slice(0, 10).join('\n')}`);
  return plan;
}

export { xorshift32 as rng } from '../../../src/random.js';

/** The solution of a decomposition outcome; a fallback fails the test with its reason. */
export function solved(o: DecompositionOutcome): DispatchSolution {
  if ('fallback' in o) throw new Error(`the decomposition fell back (${o.fallback.reason}): ${o.fallback.message}`);
  return o.solution;
}
