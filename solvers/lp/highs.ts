// HiGHS (WebAssembly, npm `highs`) backend: solves run on a small pool of worker threads, off the event loop.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Highs } from 'highs';
import { Piscina } from 'piscina';
import { loadHighs, solveOnHighs } from './highs-solve.js';
import type { HighsTask } from './highs-worker.js';
import type { LpModel } from './model.js';
import type { LpResult, LpSolveOptions } from './result.js';

// A HiGHS run is one synchronous Wasm call of up to seconds: on the main thread it would stall every request.
// Two threads match the machines urbanflow runs on and let a MIP race two relaxation strategies.
const POOL_THREADS = Math.max(1, Math.min(2, availableParallelism()));

let pool: Piscina<HighsTask, LpResult> | undefined;
let inProcess: Promise<Highs> | undefined;

function workerFile(): string | undefined {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../dist/solvers/lp/highs-worker.js', here) : new URL('./highs-worker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : undefined;
}

function highsPool(): Piscina<HighsTask, LpResult> | undefined {
  if (pool) return pool;
  const filename = workerFile();
  // Idle workers are unref'd by piscina, so a CLI or test run exits without closing the pool.
  if (filename) pool = new Piscina({ filename, minThreads: POOL_THREADS, maxThreads: POOL_THREADS, idleTimeout: 60_000 });
  return pool;
}

/** Loads HiGHS on every pool thread (or in process when no build exists); the first solve then pays no ~100 ms start-up. */
export async function warmUpHighs(): Promise<void> {
  const p = highsPool();
  const one = (v: number) => new Float64Array([v]);
  const tiny: LpModel = {
    numCols: 1, numRows: 0, colCost: one(1), colLower: one(0), colUpper: one(1), integer: new Uint8Array(1),
    rowStarts: new Int32Array(1), rowIndex: new Int32Array(0), rowValue: new Float64Array(0), rowLower: new Float64Array(0), rowUpper: new Float64Array(0),
    numIntegers: 0, numNonzeros: 0, basicCols: new Int32Array(0), basicRows: new Int32Array(0),
  };
  if (!p) {
    inProcess ??= loadHighs();
    await inProcess;
    return;
  }
  await Promise.all(Array.from({ length: POOL_THREADS }, () => p.run({ model: tiny, options: {} })));
}

/** Stops the pool's threads; later solves start a new pool. */
export async function closeHighsPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close({ force: true });
}

export async function solveWithHighs(model: LpModel, options: LpSolveOptions = {}, signal?: AbortSignal): Promise<LpResult> {
  const p = highsPool();
  if (p) return p.run({ model, options }, signal ? { signal } : {});
  inProcess ??= loadHighs();
  return solveOnHighs(await inProcess, model, options);
}

/** One way to solve a model: the model itself (e.g. with or without its basis hint) and the options. */
export interface HighsVariant {
  readonly model: LpModel;
  readonly options: LpSolveOptions;
}

/**
 * Solves the same problem in several ways at once, one per pool thread, and returns the first optimal answer;
 * the other runs are aborted, which ends their threads (the pool starts fresh ones).
 */
export async function raceHighs(variants: readonly HighsVariant[]): Promise<LpResult> {
  if (variants.length === 1 || !highsPool() || POOL_THREADS < 2) return solveWithHighs(variants[0].model, variants[0].options);
  const controllers = variants.map(() => new AbortController());
  const runs = variants.map((v, k) =>
    solveWithHighs(v.model, v.options, controllers[k].signal).then((r) => {
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
