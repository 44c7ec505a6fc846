// Where decomposition solves run: an executor the caller owns (the solver runtime's worker threads), or this thread.
import type { DispatchProblem } from '../problem.js';
import type { DecompositionOutcome } from '../solution.js';
import { syntheticDispatchRequest } from '../synthetic.js';
import { syntheticFeederRequest } from '../synthetic-feeders.js';
import { validateDispatchRequest } from '../validate.js';
import type { PricingThread } from './remote-pricer.js';
import { solveDecomposed } from './solve.js';

/** One decomposition solve as plain data: what crosses to a solver thread. */
export interface DecompositionTask {
  readonly problem: DispatchProblem;
  readonly mipRelGap?: number;
  readonly timeLimitSeconds?: number;
}

/** Runs decomposition tasks; its owner starts and closes whatever threads it uses. */
export interface DecompositionExecutor {
  run(task: DecompositionTask): Promise<DecompositionOutcome>;
}

/** One task on this thread, with `pricing` as the second pricing thread when there is one. */
export function solveDecompositionTask(task: DecompositionTask, pricing?: PricingThread): DecompositionOutcome {
  return solveDecomposed(task.problem, {
    clock: () => performance.now(),
    ...(pricing ? { pricingThread: pricing } : {}),
    ...(task.mipRelGap !== undefined ? { mipRelGap: task.mipRelGap } : {}),
    ...(task.timeLimitSeconds !== undefined ? { timeLimitMs: task.timeLimitSeconds * 1000 } : {}),
  });
}

/** Solves on the calling thread with one pricing thread (tools and tests): blocks it for the solve. */
export const DECOMPOSITION_ON_THIS_THREAD: DecompositionExecutor = {
  run: async (task) => solveDecompositionTask(task),
};

/**
 * Runs a small LP and MIP on the executor, so that a first real solve pays neither thread start-up nor the
 * compilation of the pricing and simplex code (a few hundred milliseconds cold).
 */
export async function warmUpDecomposition(executor: DecompositionExecutor): Promise<void> {
  await executor.run({
    problem: validateDispatchRequest(syntheticDispatchRequest({ resources: 96, intervals: 32, seed: 7 })),
  });
  // a day at 15 minutes: the oracles and the master are compiled for the array sizes real requests have
  await executor.run({
    problem: validateDispatchRequest(syntheticDispatchRequest({ resources: 120, intervals: 96, seed: 7 })),
  });
  // feeder caps and limits, with enough feeder rows held that the master runs on its sparse factorization: warmed
  // only by a request that takes that path (measured on 200 x 96, 6 feeders, after a warm-up on 120 resources and 4
  // feeders, below that size: first solve 894 ms, master 415 ms; after this one: 692 ms, master 296 ms)
  await executor.run({
    problem: validateDispatchRequest(syntheticFeederRequest({ resources: 160, intervals: 96, seed: 7, feeders: 5 })),
  });
  await executor.run({
    problem: validateDispatchRequest(
      syntheticDispatchRequest({ resources: 48, intervals: 32, seed: 7, integer: true }),
    ),
    mipRelGap: 0.01,
  });
}
