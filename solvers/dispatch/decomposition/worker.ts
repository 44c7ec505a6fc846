// Worker-thread entry: a decomposition solve takes up to seconds of CPU, so it runs off the event loop.
import type { DispatchProblem } from '../problem.js';
import type { DispatchSolution } from '../solution.js';
import { solveDecomposed } from './solve.js';

export default function solveTask(p: DispatchProblem): DispatchSolution | undefined {
  return solveDecomposed(p, { clock: () => performance.now() });
}
