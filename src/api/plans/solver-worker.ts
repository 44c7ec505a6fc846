// Solver worker thread entry (piscina): one plan request in, the plan or the solver's error out.
import { warmUpDecomposition } from '../../../solvers/dispatch/index.js';
import { warmUpHighs } from '../../../solvers/lp/index.js';
import { runSolve, type SolveOutcome, type SolveTask } from './solve.js';

/** The task that loads the LP runtime and compiles the dispatch solver before the first request needs them. */
export const WARM_UP = 'warm-up';

export default async function solveInWorker(task: SolveTask | typeof WARM_UP): Promise<SolveOutcome | undefined> {
  if (task === WARM_UP) {
    await warmUpHighs();
    await warmUpDecomposition();
    return undefined;
  }
  return runSolve(task);
}
