// Runs decomposition solves on a worker thread (the compiled build), or in process under the test runner.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { DispatchProblem } from '../problem.js';
import type { DispatchSolution } from '../solution.js';
import { syntheticDispatchRequest } from '../synthetic.js';
import { validateDispatchRequest } from '../validate.js';
import solveTask, { type DecompositionTask } from './worker.js';

let pool: Piscina<DecompositionTask, DispatchSolution | undefined> | undefined;

function workerFile(): string | undefined {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../../dist/solvers/dispatch/decomposition/worker.js', here) : new URL('./worker.js', here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : undefined;
}

/** Solves on the pool's thread; idle threads are unref'd so CLIs and tests exit without closing it. */
export async function runDecomposition(p: DispatchProblem, mipRelGap?: number, timeLimitSeconds?: number): Promise<DispatchSolution | undefined> {
  const task: DecompositionTask = { problem: p, ...(mipRelGap !== undefined ? { mipRelGap } : {}), ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}) };
  if (!pool) {
    const filename = workerFile();
    if (!filename) return solveTask(task);
    pool = new Piscina({ filename, minThreads: 1, maxThreads: 2, idleTimeout: 60_000 });
  }
  return pool.run(task);
}

/**
 * Starts the pool's thread and its pricing thread and runs a small LP and MIP there, so that a first real solve pays
 * neither thread start-up nor the compilation of the pricing and simplex code (a few hundred milliseconds cold).
 */
export async function warmUpDecomposition(): Promise<void> {
  await runDecomposition(validateDispatchRequest(syntheticDispatchRequest({ resources: 96, intervals: 32, seed: 7 })));
  // a day at 15 minutes: the oracles and the master are compiled for the array sizes real requests have
  await runDecomposition(validateDispatchRequest(syntheticDispatchRequest({ resources: 120, intervals: 96, seed: 7 })));
  await runDecomposition(validateDispatchRequest(syntheticDispatchRequest({ resources: 48, intervals: 32, seed: 7, integer: true })), 0.01);
}

export async function closeDecompositionPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close({ force: true });
}
