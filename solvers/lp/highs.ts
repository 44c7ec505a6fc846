// HiGHS (WebAssembly, npm `highs`) backend: solves run where the caller's executor puts them (a thread pool the
// caller owns, see src/runtime), or on the calling thread when it passes none.
import { highsOnThisThread } from './highs-module.js';
import { solveOnHighs, type HighsSolveOptions } from './highs-solve.js';
import type { LpModel } from './model.js';
import type { LpResult, LpSolveOptions } from './result.js';

/** One HiGHS run as plain data: what crosses to a solver thread. */
export interface HighsTask {
  readonly model: LpModel;
  readonly options: HighsSolveOptions;
}

/**
 * Where HiGHS runs. A run is one synchronous Wasm call of up to seconds, so a service passes an executor backed by
 * worker threads; `threads` > 1 lets a MIP race two relaxation strategies. Its owner starts and closes it.
 */
export interface HighsExecutor {
  readonly threads: number;
  /** Aborting ends the run (on a thread pool: the thread, which the pool replaces). */
  run(task: HighsTask, signal?: AbortSignal): Promise<LpResult>;
}

/** Runs on the calling thread (tools and tests): blocks it for the solve. */
export const HIGHS_ON_THIS_THREAD: HighsExecutor = {
  threads: 1,
  run: async (task) => solveOnHighs(await highsOnThisThread(), task.model, task.options),
};

function task(model: LpModel, options: LpSolveOptions): HighsTask {
  const { highs: _executor, ...plain } = options;
  return { model, options: plain };
}

/** A model small enough to load HiGHS with. */
function tinyLp(): LpModel {
  const one = (v: number) => new Float64Array([v]);
  return {
    numCols: 1,
    numRows: 0,
    colCost: one(1),
    colLower: one(0),
    colUpper: one(1),
    integer: new Uint8Array(1),
    rowStarts: new Int32Array(1),
    rowIndex: new Int32Array(0),
    rowValue: new Float64Array(0),
    rowLower: new Float64Array(0),
    rowUpper: new Float64Array(0),
    numIntegers: 0,
    numNonzeros: 0,
    basicCols: new Int32Array(0),
    basicRows: new Int32Array(0),
  };
}

/** Loads HiGHS on every thread of the executor; the first solve then pays no ~100 ms start-up. */
export async function warmUpHighs(executor: HighsExecutor): Promise<void> {
  await Promise.all(Array.from({ length: executor.threads }, () => executor.run({ model: tinyLp(), options: {} })));
}

export function solveWithHighs(model: LpModel, options: LpSolveOptions = {}, signal?: AbortSignal): Promise<LpResult> {
  return (options.highs ?? HIGHS_ON_THIS_THREAD).run(task(model, options), signal);
}

/** One way to solve a model: the model itself (e.g. with or without its basis hint) and the options. */
export interface HighsVariant {
  readonly model: LpModel;
  readonly options: LpSolveOptions;
}

/**
 * Solves the same problem in several ways at once, one per executor thread, and returns the first optimal answer;
 * the other runs are aborted, which ends their threads (the pool starts fresh ones).
 */
export async function raceHighs(
  variants: readonly HighsVariant[],
  executor: HighsExecutor = HIGHS_ON_THIS_THREAD,
): Promise<LpResult> {
  const one = (v: HighsVariant, signal?: AbortSignal) => executor.run(task(v.model, v.options), signal);
  if (variants.length === 1 || executor.threads < 2) return one(variants[0]);
  const controllers = variants.map(() => new AbortController());
  const runs = variants.map((v, k) =>
    one(v, controllers[k].signal).then((r) => {
      if (r.status !== 'optimal') throw Object.assign(new Error('not optimal'), { result: r });
      return r;
    }),
  );
  try {
    return await Promise.any(runs);
  } catch (err) {
    // No run proved optimality: return the first one's own answer (infeasible, time limit, ...).
    const first = (err as AggregateError).errors?.[0] as { result?: LpResult } | undefined;
    if (first?.result) return first.result;
    throw err;
  } finally {
    for (const c of controllers) c.abort();
    await Promise.allSettled(runs);
  }
}
