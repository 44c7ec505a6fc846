// Solver worker thread entry (piscina): one plan request in, the plan or the solver's error out.
import { runSolve, type SolveOutcome, type SolveTask } from './solve.js';

export default function solveInWorker(task: SolveTask): Promise<SolveOutcome> {
  return runSolve(task);
}
