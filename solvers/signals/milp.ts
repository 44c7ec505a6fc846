// The MILP solver behind corridor coordination: HiGHS of the LP layer on the solver's own thread (a corridor MILP
// is a few dozen columns, solved in milliseconds: no thread hop is worth it).
import { highsOnThisThread, type Highs } from '../lp/index.js';

export type MilpSolution = ReturnType<Highs['solve']>;

/** Solves a CPLEX LP-format model. */
export async function solveMilp(lpText: string, timeLimitS: number): Promise<MilpSolution> {
  const highs = await highsOnThisThread();
  return highs.solve(lpText, { output_flag: false, time_limit: timeLimitS });
}
