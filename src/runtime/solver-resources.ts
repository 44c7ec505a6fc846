// What a solver thread lends its solvers: HiGHS threads and decomposition threads, started and closed here, never in solvers/.
import type { Piscina } from 'piscina';
import type { DecompositionExecutor, DecompositionTask, DecompositionOutcome } from '../../solvers/dispatch/index.js';
import type { HighsExecutor, HighsTask, LpResult } from '../../solvers/lp/index.js';
import { workerFile } from '../worker-file.js';
import { startPiscina } from '../piscina-pool.js';

export interface SolverResources {
  readonly highs: HighsExecutor;
  readonly decomposition: DecompositionExecutor;
  /** Stops every thread started here. */
  close(): Promise<void>;
}

// A HiGHS run is one synchronous Wasm call of up to seconds. Two threads match the machines urbanflow runs on and let
// a MIP race two relaxation strategies.
const HIGHS_THREADS = 2;
// A decomposition solve takes its thread for up to seconds; each of its threads keeps a second pricing thread.
const DECOMPOSITION_THREADS = 2;

/**
 * Starts the pools on first use: a thread that never solves a dispatch LP starts none. Idle threads are unref'd by
 * piscina, so a CLI exits even before close().
 */
export function startSolverResources(): SolverResources {
  let highsPool: Piscina<HighsTask, LpResult> | undefined;
  let decompositionPool: Piscina<DecompositionTask, DecompositionOutcome> | undefined;
  const highs: HighsExecutor = {
    threads: HIGHS_THREADS,
    run(task, signal) {
      highsPool ??= startPiscina(workerFile(import.meta.url, '../../solvers/lp/highs-worker.js'), {
        minThreads: HIGHS_THREADS,
        maxThreads: HIGHS_THREADS,
        idleTimeout: 60_000,
      });
      return highsPool.run(task, signal ? { signal } : {});
    },
  };
  const decomposition: DecompositionExecutor = {
    run(task) {
      decompositionPool ??= startPiscina(workerFile(import.meta.url, './decomposition-worker.js'), {
        minThreads: 1,
        maxThreads: DECOMPOSITION_THREADS,
        idleTimeout: 60_000,
      });
      return decompositionPool.run(task);
    },
  };
  return {
    highs,
    decomposition,
    async close() {
      const pools = [highsPool, decompositionPool];
      highsPool = decompositionPool = undefined;
      await Promise.all(pools.map((p) => p?.destroy()));
    },
  };
}
