// javascript-lp-solver backend: pure JavaScript, no start-up cost, the right tool for small models.
import { jsLpSolver as solver } from './jslp-module.js';
import type { LpModel } from './model.js';
import { evaluateObjective, type LpResult, type LpSolveOptions } from './result.js';

type Coefs = Record<string, number>;
type Bound = { min?: number; max?: number; equal?: number };

/**
 * Translates the model to jsLPSolver's named JSON form. Its variables are non-negative, so a column with a
 * positive lower bound or a finite upper bound gets a bound row; negative lower bounds are not supported.
 */
function toJsModel(model: LpModel) {
  const variables: Record<string, Coefs> = {};
  const constraints: Record<string, Bound> = {};
  const ints: Record<string, 1> = {};
  for (let j = 0; j < model.numCols; j++) {
    if (model.colLower[j] < 0) throw new Error(`jslp backend: column ${j} has a negative lower bound`);
    const v: Coefs = { obj: model.colCost[j] };
    const bound: Bound = {};
    if (model.colLower[j] > 0) bound.min = model.colLower[j];
    if (Number.isFinite(model.colUpper[j])) bound.max = model.colUpper[j];
    if (bound.min !== undefined || bound.max !== undefined) {
      constraints[`b${j}`] = bound;
      v[`b${j}`] = 1;
    }
    variables[`x${j}`] = v;
    if (model.integer[j]) ints[`x${j}`] = 1;
  }
  for (let i = 0; i < model.numRows; i++) {
    const lo = model.rowLower[i];
    const hi = model.rowUpper[i];
    const bound: Bound = lo === hi ? { equal: lo } : {};
    if (lo !== hi && Number.isFinite(lo)) bound.min = lo;
    if (lo !== hi && Number.isFinite(hi)) bound.max = hi;
    if (bound.min === undefined && bound.max === undefined && bound.equal === undefined) continue;
    constraints[`r${i}`] = bound;
    for (let k = model.rowStarts[i]; k < model.rowStarts[i + 1]; k++) {
      variables[`x${model.rowIndex[k]}`][`r${i}`] = model.rowValue[k];
    }
  }
  return { optimize: 'obj', opType: 'min' as const, constraints, variables, ints };
}

/** Solves on the calling thread, synchronously: for small models inside a synchronous algorithm (signal splits). */
export function solveWithJsLpNow(model: LpModel, options: LpSolveOptions = {}): LpResult {
  const js = toJsModel(model);
  const solverOptions = {
    ...(options.mipRelGap !== undefined ? { tolerance: options.mipRelGap } : {}),
    ...(options.timeLimitSeconds !== undefined ? { timeout: options.timeLimitSeconds * 1000 } : {}),
    ...(options.presolve !== undefined ? { presolve: options.presolve } : {}),
  };
  const raw = solver.Solve({ ...js, options: solverOptions }) as Record<string, number | boolean | undefined>;
  const x = new Float64Array(model.numCols);
  if (!raw.feasible) return { backend: 'jslp', status: 'infeasible', objective: Number.NaN, x };
  if (raw.bounded === false) return { backend: 'jslp', status: 'unbounded', objective: Number.NaN, x };
  for (let j = 0; j < model.numCols; j++) {
    const v = raw[`x${j}`];
    if (typeof v === 'number') x[j] = v;
  }
  const proven = model.numIntegers === 0 || (options.mipRelGap ?? 0) === 0;
  return { backend: 'jslp', status: proven ? 'optimal' : 'feasible', objective: evaluateObjective(model, x), x };
}

export async function solveWithJsLp(model: LpModel, options: LpSolveOptions = {}): Promise<LpResult> {
  return solveWithJsLpNow(model, options);
}
