// Benchmark `dispatch`: synthetic 1000x96 and 200x96 LPs and a 200x96 MIP with event limits and minimum runs, and the same with feeder caps and limits, each by the method solveDispatch picks.
import {
  buildDispatchModel,
  checkDispatchPlan,
  solveDispatch,
  validateDispatchRequest,
  warmUpDecomposition,
  type DispatchPlan,
} from '../solvers/dispatch/index.js';
import { syntheticFeederRequest } from '../solvers/dispatch/synthetic-feeders.js';
import { syntheticDispatchRequest, type SyntheticOptions } from '../solvers/dispatch/synthetic.js';
import { warmUpHighs } from '../solvers/lp/index.js';
import { startSolverResources, type SolverResources } from '../src/runtime/index.js';
import type { Bench } from './index.js';

const MIP_GAP = 0.01;
/** The target is 10 s; this limit only stops a slow or busy machine from hanging the run. */
const MIP_TIME_LIMIT_SECONDS = 60;

/** Each feeder-structured solve's budget: a figure above it is reported as reached, with the plan's gap, not waited for. */
const FEEDERS_TIME_LIMIT_SECONDS = 60;

async function timed(
  resources: SolverResources,
  opts: SyntheticOptions & { feeders?: number },
  solve: { mipRelGap?: number; timeLimitSeconds?: number } = {},
) {
  const request =
    opts.feeders !== undefined
      ? syntheticFeederRequest({ ...opts, feeders: opts.feeders })
      : syntheticDispatchRequest(opts);
  const t0 = performance.now();
  const problem = validateDispatchRequest(request);
  const plan = await solveDispatch(problem, {
    ...solve,
    highs: resources.highs,
    decomposition: resources.decomposition,
  });
  const ms = performance.now() - t0;
  // the service checks every plan it returns; checking again here keeps a figure from ever timing a wrong plan
  const violations = checkDispatchPlan(request, plan);
  if (violations.length > 0)
    throw new Error(
      `dispatch ${opts.resources}x${opts.intervals}: plan rejected by the checker: ${violations.slice(0, 5).join('; ')}`,
    );
  const model = buildDispatchModel(problem).lp;
  const dw = plan.decomposition ? `, ${JSON.stringify(plan.decomposition)}` : '';
  process.stderr.write(
    `dispatch ${opts.resources}x${opts.intervals}${opts.integer ? ' MIP' : ' LP'}${opts.feeders !== undefined ? ` on ${opts.feeders} feeders` : ''}: ${model.numCols} columns, ${model.numRows} rows, ${model.numNonzeros} nonzeros, ${ms.toFixed(0)} ms, ${plan.method} (${plan.backend}), ${plan.status}, objective ${plan.objective.toFixed(2)}${plan.mipGap !== undefined ? `, gap ${plan.mipGap}` : ''}${plan.timeLimit ? `, time limit reached, gap ${plan.timeLimit.gap}` : ''}${dw}\n`,
  );
  return { ms, plan };
}

/** Rounds, master iterations and per-phase times of a decomposition solve, flat, under the figure's prefix. */
function phases(prefix: string, plan: DispatchPlan): Record<string, number | string | null> {
  const d = plan.decomposition;
  return {
    [`${prefix}Rounds`]: d?.rounds ?? null,
    [`${prefix}MasterIterations`]: d?.masterIterations ?? null,
    [`${prefix}MasterMs`]: d?.masterMs ?? null,
    [`${prefix}OracleMs`]: d?.oracleMs ?? null,
    [`${prefix}PricingThreads`]: d?.pricingThreads ?? null,
    [`${prefix}Method`]: plan.method,
    // a decomposition plan the checker rejected (the figure is then the full model's)
    [`${prefix}Rejected`]: plan.rejectedPlan ? plan.rejectedPlan.violations.join('; ') : null,
    // a plan the budget stopped that the checker rejected and that was repaired (the figure is the repaired plan's)
    [`${prefix}Repaired`]: plan.repairedPlan ? plan.repairedPlan.violations.join('; ') : null,
  };
}

/**
 * `--feeders`: only the feeder-structured cases (their keys and the start-up figures), for measuring the feeder
 * coupling without the target-only solves.
 */
export const dispatchBench: Bench = async (args) => {
  // The threads a solver thread of the service lends its solves (HiGHS and decomposition threads), here on the main thread.
  const resources = startSolverResources();
  try {
    return await figures(resources, args.includes('--feeders'));
  } finally {
    await resources.close();
  }
};

async function figures(resources: SolverResources, feedersOnly: boolean): Promise<Record<string, unknown>> {
  // Loading the Wasm runtime and starting the solver threads are once-per-process costs, kept out of the per-solve figures.
  const t0 = performance.now();
  await warmUpHighs(resources.highs);
  const highsLoadMs = performance.now() - t0;
  const t1 = performance.now();
  await warmUpDecomposition(resources.decomposition);
  const decompositionStartMs = performance.now() - t1;
  const targetOnly = feedersOnly ? {} : await targetOnlyFigures(resources);
  // a utility's structure: feeders of 25-50 resources, caps on a third, reduction limits on some (synthetic-feeders.ts)
  const budget = { timeLimitSeconds: FEEDERS_TIME_LIMIT_SECONDS };
  const lpFeeders200 = await timed(resources, { resources: 200, intervals: 96, seed: 1, feeders: 6 }, budget);
  const mipFeeders200 = await timed(
    resources,
    { resources: 200, intervals: 96, integer: true, seed: 1, feeders: 6 },
    { ...budget, mipRelGap: MIP_GAP },
  );
  const lpFeeders1000 = await timed(resources, { resources: 1000, intervals: 96, seed: 1, feeders: 25 }, budget);
  // a plan stopped by the budget before any bound has no proven gap (null), not 0
  const gapOf = (plan: DispatchPlan) => (plan.timeLimit ? plan.timeLimit.gap : (plan.mipGap ?? 0));
  return {
    highsLoadMs: Math.round(highsLoadMs),
    decompositionStartMs: Math.round(decompositionStartMs),
    ...targetOnly,
    lpFeeders1000x96Ms: Math.round(lpFeeders1000.ms),
    lpFeeders200x96Ms: Math.round(lpFeeders200.ms),
    mipFeeders200x96Ms: Math.round(mipFeeders200.ms),
    mipFeeders200x96Gap: gapOf(mipFeeders200.plan),
    lpFeeders1000x96Gap: gapOf(lpFeeders1000.plan),
    lpFeeders200x96Gap: gapOf(lpFeeders200.plan),
    feedersTimeLimitSeconds: FEEDERS_TIME_LIMIT_SECONDS,
    ...phases('lpFeeders1000x96', lpFeeders1000.plan),
    ...phases('lpFeeders200x96', lpFeeders200.plan),
    ...phases('mipFeeders200x96', mipFeeders200.plan),
    lpFeeders1000x96Objective: lpFeeders1000.plan.objective,
    lpFeeders200x96Objective: lpFeeders200.plan.objective,
    mipFeeders200x96Objective: mipFeeders200.plan.objective,
  };
}

/** The target-only cases: one target row per interval. */
async function targetOnlyFigures(resources: SolverResources): Promise<Record<string, unknown>> {
  const lp200 = await timed(resources, { resources: 200, intervals: 96, seed: 1 });
  const lp1000 = await timed(resources, { resources: 1000, intervals: 96, seed: 1 });
  const mip200 = await timed(
    resources,
    { resources: 200, intervals: 96, integer: true, seed: 1 },
    { mipRelGap: MIP_GAP, timeLimitSeconds: MIP_TIME_LIMIT_SECONDS },
  );
  return {
    lp1000x96Method: lp1000.plan.method,
    lp200x96Method: lp200.plan.method,
    mip200x96Method: mip200.plan.method,
    ...phases('lp1000x96', lp1000.plan),
    ...phases('lp200x96', lp200.plan),
    ...phases('mip200x96', mip200.plan),
    lp1000x96Ms: Math.round(lp1000.ms),
    lp200x96Ms: Math.round(lp200.ms),
    mip200x96Ms: Math.round(mip200.ms),
    mip200x96Gap: mip200.plan.mipGap ?? null,
    mip200x96Status: mip200.plan.status,
    lp1000x96Objective: lp1000.plan.objective,
    lp200x96Objective: lp200.plan.objective,
    mip200x96Objective: mip200.plan.objective,
  };
}
