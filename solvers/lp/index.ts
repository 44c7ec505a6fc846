// Public surface of the LP/MIP layer: build an LpModel, solve it with the backend that suits its size.
import { solveWithHighs } from './highs.js';
import { solveWithJsLp } from './jslp.js';
export { solveWithJsLpNow } from './jslp.js';
import type { LpModel } from './model.js';
import type { LpBackendName, LpResult, LpSolveOptions } from './result.js';

export { LpBuilder, type LpModel } from './model.js';
export { evaluateObjective, type LpBackendName, type LpResult, type LpSolveOptions, type LpStatus } from './result.js';
export {
  HIGHS_ON_THIS_THREAD,
  raceHighs,
  warmUpHighs,
  type HighsExecutor,
  type HighsTask,
  type HighsVariant,
} from './highs.js';
export { highsOnThisThread, type Highs } from './highs-module.js';
export { jsLpSolver, type SolveResult } from './jslp-module.js';

/**
 * javascript-lp-solver's dense simplex is quick below a few hundred columns and has no start-up cost, but it
 * grows roughly cubically (33 s on a 19k-column dispatch LP where HiGHS takes under a second), and its branch
 * and bound has no cuts worth the name, so anything larger or with more than a handful of integers goes to HiGHS.
 */
const JSLP_MAX_COLS = 400;
const JSLP_MAX_INTEGERS = 16;

export function chooseBackend(model: LpModel): LpBackendName {
  return model.numCols <= JSLP_MAX_COLS && model.numIntegers <= JSLP_MAX_INTEGERS ? 'jslp' : 'highs';
}

export function solveLp(model: LpModel, options: LpSolveOptions = {}): Promise<LpResult> {
  const backend = !options.backend || options.backend === 'auto' ? chooseBackend(model) : options.backend;
  return backend === 'highs' ? solveWithHighs(model, options) : solveWithJsLp(model, options);
}
