import { describe, expect, it } from 'vitest';
import { checkDispatchPlan, solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { solveDecomposed, type DecompositionExecutor } from '../../../solvers/dispatch/decomposition/index.js';
import { readPlan } from '../../../solvers/dispatch/read-plan.js';
import { netStoredEnergy } from '../../../solvers/dispatch/repair.js';
import { syntheticFeederRequest } from '../../../solvers/dispatch/synthetic-feeders.js';
import { DispatchPlan as DispatchPlanSchema } from '../../../src/api/schemas/dispatch.js';
import { ApiMetrics } from '../../../src/api/metrics.js';
import { Value } from '@sinclair/typebox/value';
import { solved } from './helpers.js';

/** A clock that advances one unit per reading: the budget runs out after a fixed amount of work on every machine. */
const ticking = () => {
  let now = 0;
  return () => now++;
};

/** A budget-stopped decomposition solve of a feeder request whose storage mix the checker rejects. */
function stopped(resources: number, seed: number, ticks: number) {
  const req = syntheticFeederRequest({ resources, intervals: 32, feeders: 3, seed });
  const p = validateDispatchRequest(req);
  const s = solved(solveDecomposed(p, { clock: ticking(), timeLimitMs: ticks, threads: 1 }));
  return { req, p, s };
}

describe('repair of a plan the time budget stopped', () => {
  it('merges charging and discharging in one interval at the same state of charge, which the checker accepts', () => {
    const { req, p, s } = stopped(80, 2, 80);
    expect(s.timeLimit).toBeDefined();
    const plan = readPlan(p, s);
    // the stopped mix charges and discharges a battery in one interval where netting would overfill it
    expect(checkDispatchPlan(req, plan).some((v) => /state of charge/.test(v))).toBe(true);
    const repaired = netStoredEnergy(p, s)!;
    expect(repaired.nettedIntervals).toBeGreaterThan(0);
    expect(repaired.scaledResources).toEqual([]);
    const fixed = readPlan(p, repaired.solution);
    expect(checkDispatchPlan(req, fixed)).toEqual([]);
    // the states stay where the stopped plan had them, and the loss no longer taken only lowers the objective
    s.state!.forEach((st, i) => {
      if (st) expect(Array.from(repaired.solution.state![i]!)).toEqual(Array.from(st).map((v) => expect.closeTo(v, 6)));
    });
    expect(fixed.objective).toBeLessThanOrEqual(plan.objective);
  });

  it('scales a merged plan that would break its ramp limit towards the idle plan', () => {
    const { req, p, s } = stopped(80, 4, 80);
    expect(checkDispatchPlan(req, readPlan(p, s)).length).toBeGreaterThan(0);
    const repaired = netStoredEnergy(p, s)!;
    expect(repaired.scaledResources.length).toBeGreaterThan(0);
    for (const { factor } of repaired.scaledResources) expect(factor).toBeLessThan(1);
    expect(checkDispatchPlan(req, readPlan(p, repaired.solution))).toEqual([]);
  });

  it('leaves a plan without simultaneous charging and discharging alone', () => {
    const { p } = stopped(80, 2, 80);
    const done = solved(solveDecomposed(p, { clock: ticking(), timeLimitMs: 1e9, threads: 1 }));
    expect(netStoredEnergy(p, done)).toBeUndefined();
  });

  it('is what the service returns for a stopped plan the checker rejects, saying so, instead of the idle plan', async () => {
    const req = syntheticFeederRequest({ resources: 80, intervals: 32, feeders: 3, seed: 2 });
    // a decomposition that stops after a fixed amount of work, whatever the machine's speed
    const stopping: DecompositionExecutor = {
      run: async (task) => solveDecomposed(task.problem, { clock: ticking(), timeLimitMs: 80, threads: 1 }),
    };
    const plan = await solveDispatch(validateDispatchRequest(req), {
      decomposition: stopping,
      method: 'decomposition',
    });
    expect(plan.method).toBe('decomposition');
    expect(plan.timeLimit).toBeDefined();
    expect(plan.repairedPlan?.violations.length).toBeGreaterThan(0);
    expect(plan.repairedPlan?.nettedIntervals).toBeGreaterThan(0);
    expect(plan.rejectedPlan).toBeUndefined();
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    expect(plan.resources.some((r) => r.setpointKW.some((v) => v !== 0))).toBe(true);
    // the field is part of the API's contract, and the service counts such plans
    expect(Value.Check(DispatchPlanSchema, JSON.parse(JSON.stringify(plan)))).toBe(true);
    const pipeline = { engine: { stats: () => ({}) }, deadLetters: { counts: new Map() } };
    const metrics = new ApiMetrics(
      pipeline as never,
      () => [],
      () => ({}) as never,
    );
    metrics.observeSolve('dispatch', 'done', 1, plan);
    metrics.observeSolve('dispatch', 'done', 1, { ...plan, repairedPlan: undefined });
    expect(await metrics.registry.getSingleMetricAsString('urbanflow_dispatch_plans_repaired_total')).toContain(
      'urbanflow_dispatch_plans_repaired_total 1',
    );
  });
});
