// Models written in CPLEX LP format (small MILPs whose rows read best as text, e.g. the corridor bandwidth MILP),
// solved by HiGHS on the calling thread: a few dozen columns solve in milliseconds, no thread hop is worth it.
import { highsOnThisThread, type Highs } from './highs-module.js';

/** HiGHS's answer: `Status` ('Optimal', 'Time limit reached', …) and the primal value of each named column. */
export type LpFormatSolution = ReturnType<Highs['solve']>;

export async function solveLpFormat(
  lpText: string,
  options: { readonly timeLimitSeconds: number },
): Promise<LpFormatSolution> {
  const highs = await highsOnThisThread();
  return highs.solve(lpText, { output_flag: false, time_limit: options.timeLimitSeconds });
}
