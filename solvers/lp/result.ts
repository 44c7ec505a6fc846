// What every LP/MIP backend returns, and the objective evaluated from the primal values.
import type { HighsExecutor } from './highs.js';
import type { LpModel } from './model.js';

export type LpBackendName = 'jslp' | 'highs';

/** `feasible`: a solution that is not proven optimal (time limit reached, or a MIP stopped at its gap). */
export type LpStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'error';

export interface LpResult {
  readonly backend: LpBackendName;
  readonly status: LpStatus;
  /** c·x of the returned primal values; NaN when there are none. */
  readonly objective: number;
  readonly x: Float64Array;
  /** d objective / d row bound per row, for LPs whose backend reports duals; undefined otherwise. */
  readonly rowDuals?: Float64Array;
  /** Relative MIP gap when the backend reports one (0 for a proven optimum). */
  readonly mipGap?: number;
  readonly message?: string;
  /** The time limit stopped the solve (with the best solution found, if any). */
  readonly timeLimitReached?: boolean;
}

export interface LpSolveOptions {
  /** 'auto' picks by model size (see chooseBackend). */
  readonly backend?: LpBackendName | 'auto';
  /** Stop a MIP once its relative gap is at most this (HiGHS mip_rel_gap). */
  readonly mipRelGap?: number;
  readonly timeLimitSeconds?: number;
  /** HiGHS dual simplex pricing: steepest edge (HiGHS's choice) or Devex, cheaper per iteration on degenerate models. */
  readonly dualEdgeWeights?: 'steepest-edge' | 'devex';
  /** javascript-lp-solver: whether its presolve runs (on unless false); HiGHS always presolves. */
  readonly presolve?: boolean;
  /** Where HiGHS runs (a thread pool the caller owns); on the calling thread when absent. */
  readonly highs?: HighsExecutor;
}

export function evaluateObjective(model: LpModel, x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < model.numCols; j++) s += model.colCost[j] * x[j];
  return s;
}
