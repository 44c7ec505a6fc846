// The decomposition falls back to the full model on its typed numerical error only, and the plan and a metric say why.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  checkDispatchPlan,
  DecompositionNumericalError,
  solveDecompositionTask,
  solveDispatch,
  validateDispatchRequest,
  type DecompositionExecutor,
  type PricingThread,
} from '../../../solvers/dispatch/index.js';
import { solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { syntheticDispatchRequest } from '../../../solvers/dispatch/synthetic.js';
import { DispatchPlan as DispatchPlanSchema } from '../../../src/api/schemas/dispatch.js';
import { ApiMetrics } from '../../../src/api/metrics.js';
import { Value } from '@sinclair/typebox/value';

/** Enough resources for a second pricing thread to take half the blocks. */
const problem = () => validateDispatchRequest(syntheticDispatchRequest({ resources: 120, intervals: 24, seed: 9 }));

/** A pricing thread that takes its blocks, then dies before it answers the first round. */
function dyingThread(): PricingThread {
  const channel = new MessageChannel();
  channel.port1.unref();
  let calls = 0;
  return {
    get running() {
      return calls++ === 0;
    },
    port: channel.port1,
    flag: new Int32Array(new SharedArrayBuffer(4)),
  } as unknown as PricingThread;
}

/** A pricing thread whose port fails as a programming error would. */
function brokenThread(): PricingThread {
  return {
    running: true,
    port: {
      postMessage: () => {
        throw new TypeError('port is not a port');
      },
    },
    flag: new Int32Array(new SharedArrayBuffer(4)),
  } as unknown as PricingThread;
}

describe('decomposition fallback', () => {
  it('reports numerical trouble (here the pricing thread stopping) as a fallback with its reason', () => {
    const outcome = solveDecomposed(problem(), { pricingThread: dyingThread(), threads: 2 });
    expect('fallback' in outcome && outcome.fallback.reason).toBe('pricing-thread-stopped');
  });

  it('lets any other exception propagate instead of hiding it behind the full model', () => {
    expect(() => solveDecomposed(problem(), { pricingThread: brokenThread(), threads: 2 })).toThrow(TypeError);
    expect(() => solveDecomposed(problem(), { pricingThread: brokenThread(), threads: 2 })).not.toThrow(
      DecompositionNumericalError,
    );
  });

  it("solves the full model after a fallback and says why in the plan, which the API's schema carries", async () => {
    const p = problem();
    const dying: DecompositionExecutor = { run: async (task) => solveDecompositionTask(task, dyingThread()) };
    const plan = await solveDispatch(p, { method: 'decomposition', decomposition: dying });
    const full = await solveDispatch(p, { method: 'full-model' });
    expect(plan.method).toBe('full-model');
    expect(plan.decomposition?.fallback).toEqual({
      reason: 'pricing-thread-stopped',
      message: 'pricing thread stopped',
    });
    expect(plan.objective).toBeCloseTo(full.objective, 6);
    expect(Value.Check(DispatchPlanSchema, JSON.parse(JSON.stringify(plan)))).toBe(true);
    // a plan the decomposition gave has no fallback
    const own = await solveDispatch(p, { method: 'decomposition' });
    expect(own.method).toBe('decomposition');
    expect(own.decomposition?.fallback).toBeUndefined();
  }, 120_000);

  it("refuses a decomposition plan its checker rejects: the full model's plan is served, saying why", async () => {
    const p = problem();
    // a decomposition whose plan sets every resource far above its limit in the first interval
    const wrong: DecompositionExecutor = {
      run: async (task) => {
        const outcome = solveDecompositionTask(task);
        if ('solution' in outcome) for (const primary of outcome.solution.primary) primary[0] += 1e4;
        return outcome;
      },
    };
    const plan = await solveDispatch(p, { method: 'decomposition', decomposition: wrong });
    expect(plan.method).toBe('full-model');
    expect(plan.rejectedPlan?.method).toBe('decomposition');
    expect(plan.rejectedPlan?.violations.length).toBeGreaterThan(0);
    expect(plan.decomposition?.fallback?.reason).toBe('plan-rejected');
    expect(checkDispatchPlan(p.request, plan)).toEqual([]);
  }, 120_000);

  it('propagates an executor failure that is not a fallback', async () => {
    const failing: DecompositionExecutor = { run: async () => Promise.reject(new TypeError('a bug')) };
    await expect(solveDispatch(problem(), { method: 'decomposition', decomposition: failing })).rejects.toThrow(
      'a bug',
    );
  });

  it('counts fallbacks by reason in the metrics', async () => {
    const pipeline = { engine: { stats: () => ({}) }, deadLetters: { counts: new Map() } };
    const metrics = new ApiMetrics(
      pipeline as never,
      () => [],
      () => ({}) as never,
    );
    metrics.observeSolve('dispatch', 'done', 1.5, {
      decomposition: { fallback: { reason: 'singular-basis', message: 'basis matrix is singular' } },
    });
    metrics.observeSolve('dispatch', 'done', 0.5, { decomposition: { rounds: 3 } });
    metrics.observeSolve('route', 'done', 0.5, {});
    const values = (await metrics.decompositionFallbacks.get()).values;
    expect(values).toEqual([expect.objectContaining({ labels: { reason: 'singular-basis' }, value: 1 })]);
    expect(
      await metrics.registry.getSingleMetricAsString('urbanflow_dispatch_decomposition_fallbacks_total'),
    ).toContain('urbanflow_dispatch_decomposition_fallbacks_total{reason="singular-basis"} 1');
  });
});
