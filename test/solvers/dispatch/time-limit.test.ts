import { describe, expect, it } from 'vitest';
import { checkDispatchPlan, solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { solveByColumnGeneration } from '../../../solvers/dispatch/decomposition/colgen.js';
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

  it('prices nothing once the budget is spent, not even at the prices a related solve seeds it with', () => {
    // the fixed-call LP of a MIP starts by pricing at its bound's prices: exact, outside the time checks, that ran for minutes
    const p = validateDispatchRequest(syntheticFeederRequest({ resources: 60, intervals: 32, feeders: 3, seed: 4 }));
    const related = solveByColumnGeneration(p, { threads: 1 });
    const spent = { clock: () => 1, stopAt: 0, threads: 1 };
    const unseeded = solveByColumnGeneration(p, spent);
    const seeded = solveByColumnGeneration(p, { ...spent, seedDuals: related.duals });
    expect(seeded.timedOut).toBe(true);
    expect(seeded.lowerBound).toBe(-Infinity);
    expect(seeded.stats.columns).toBe(unseeded.stats.columns);
  });

  it('is the request timeLimitSeconds through the service, which returns the checked plan instead of falling back', async () => {
    const req = {
      ...syntheticFeederRequest({ resources: 200, intervals: 96, feeders: 6, seed: 1 }),
      timeLimitSeconds: 0.001,
    };
    const plan = await solveDispatch(validateDispatchRequest(req));
    expect(plan.method).toBe('decomposition');
    expect(plan.timeLimit?.seconds).toBe(0.001);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  });
});

describe('time budget of the full model and of the fallback after the decomposition', () => {
  it('bounds the whole full-model MIP: a budget spent before any plan gives the checked idle plan, not another full-budget solve or an error', async () => {
    const req = {
      ...syntheticFeederRequest({ resources: 200, intervals: 96, feeders: 6, integer: true, seed: 1 }),
      timeLimitSeconds: 0.001,
    };
    const p = validateDispatchRequest(req);
    const plan = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
    expect(plan.method).toBe('full-model');
    expect(plan.status).toBe('feasible');
    expect(plan.timeLimit?.seconds).toBe(0.001);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    // the plan a MIP's relaxation did not get to: nothing dispatched, every target kW short
    if (plan.timeLimit!.lowerBound === null)
      expect(plan.resources.every((r) => r.setpointKW.every((v) => v === 0))).toBe(true);
  }, 120_000);

  it('bounds a full-model LP the same way', async () => {
    const req = {
      ...syntheticFeederRequest({ resources: 200, intervals: 96, feeders: 6, seed: 2 }),
      timeLimitSeconds: 0.001,
    };
    const plan = await solveDispatch(validateDispatchRequest(req), { method: 'full-model', backend: 'highs' });
    expect(plan.timeLimit?.seconds).toBe(0.001);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  }, 120_000);

  it('returns a decomposition MIP plan outside the requested gap, checked and with its bound, when the budget leaves the full model no time', async () => {
    // a gap no plan proves sends the MIP to the full model; a budget spent by the decomposition leaves it none
    const req = {
      ...syntheticFeederRequest({ resources: 80, intervals: 48, feeders: 3, integer: true, seed: 2 }),
      mipGap: 1e-12,
      timeLimitSeconds: 0.001,
    };
    const plan = await solveDispatch(validateDispatchRequest(req), { method: 'decomposition' });
    expect(plan.timeLimit?.seconds).toBe(0.001);
    expect(plan.status).toBe('feasible');
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    if (plan.timeLimit!.lowerBound !== null)
      expect(plan.timeLimit!.lowerBound).toBeLessThanOrEqual(plan.objective * (1 + 1e-9));
  }, 120_000);
});
