import { describe, expect, it } from 'vitest';
import { checkDispatchPlan, solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { readPlan } from '../../../solvers/dispatch/read-plan.js';
import { syntheticFeederRequest } from '../../../solvers/dispatch/synthetic-feeders.js';
import { solved } from './helpers.js';

/** A clock that advances one unit per reading: the budget runs out after a fixed amount of work on every machine. */
const ticking = () => {
  let now = 0;
  return () => now++;
};

describe('time budget of the decomposition', () => {
  it('returns the best LP plan found with its proven bound when the budget runs out', async () => {
    const req = syntheticFeederRequest({ resources: 120, intervals: 32, feeders: 4, seed: 3 });
    const p = validateDispatchRequest(req);
    const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
    const s = solved(solveDecomposed(p, { clock: ticking(), timeLimitMs: 40, threads: 1 }));
    expect(s.timeLimit).toBeDefined();
    const plan = readPlan(p, s);
    expect(plan.status).toBe('feasible');
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    expect(plan.objective).toBeGreaterThanOrEqual(full.objective - 1e-6 * full.objective);
    expect(plan.timeLimit!.lowerBound).not.toBeNull();
    expect(plan.timeLimit!.lowerBound!).toBeLessThanOrEqual(full.objective + 1e-6 * full.objective);
    expect(plan.timeLimit!.gap).toBeCloseTo((plan.objective - plan.timeLimit!.lowerBound!) / plan.objective, 9);
    // with time to spare the same request is solved to optimality, with no time-limit field
    const done = solved(solveDecomposed(p, { clock: ticking(), timeLimitMs: 1e9, threads: 1 }));
    expect(done.timeLimit).toBeUndefined();
    expect(done.objective).toBeCloseTo(full.objective, 4);
  });

  it('returns a MIP plan that keeps every rule, with the relaxation bound, when the budget runs out', async () => {
    const req = syntheticFeederRequest({ resources: 80, intervals: 32, feeders: 3, integer: true, seed: 2 });
    const p = validateDispatchRequest(req);
    const s = solved(solveDecomposed(p, { clock: ticking(), timeLimitMs: 60, threads: 1, mipRelGap: 1e-4 }));
    expect(s.timeLimit).toBeDefined();
    const plan = readPlan(p, s);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    if (plan.timeLimit!.lowerBound !== null) expect(plan.timeLimit!.lowerBound).toBeLessThanOrEqual(plan.objective);
  });

  it('is the request timeLimitSeconds through the service, which returns the checked plan instead of falling back', async () => {
    const req = { ...syntheticFeederRequest({ resources: 200, intervals: 96, feeders: 6, seed: 1 }), timeLimitSeconds: 0.001 };
    const plan = await solveDispatch(validateDispatchRequest(req));
    expect(plan.method).toBe('decomposition');
    expect(plan.timeLimit?.seconds).toBe(0.001);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  });
});
