// Worker-thread entry: a decomposition solve takes up to seconds of CPU, so it runs off the event loop.
import type { DispatchProblem } from '../problem.js';
import type { DispatchSolution } from '../solution.js';
import { solveDecomposed } from './solve.js';

export interface DecompositionTask {
  readonly problem: DispatchProblem;
  readonly mipRelGap?: number;
  readonly timeLimitSeconds?: number;
}

export default function solveTask(task: DecompositionTask): DispatchSolution | undefined {
  return solveDecomposed(task.problem, {
    clock: () => performance.now(),
    ...(task.mipRelGap !== undefined ? { mipRelGap: task.mipRelGap } : {}),
    ...(task.timeLimitSeconds !== undefined ? { timeLimitMs: task.timeLimitSeconds * 1000 } : {}),
  });
}
