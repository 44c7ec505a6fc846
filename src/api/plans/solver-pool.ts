// Worker threads for plan solves (piscina), so a long LP or route search never blocks the API's event loop.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { runSolve, type SolveOutcome, type SolveTask } from './solve.js';
import { WARM_UP } from './solver-worker.js';

export interface SolverPoolOptions {
  /** Worker threads; 0 solves on the calling thread (tests and tools only: it blocks the event loop). */
  threads: number;
  /** Solves waiting for a thread beyond which new requests are refused. */
  maxQueue: number;
  /** A solve running longer than this is stopped and reported as failed. */
  timeoutMs: number;
}

function workerFile(): string {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../../dist/src/api/plans/solver-worker.js', here) : new URL('./solver-worker.js', here);
  return fileURLToPath(url);
}

export class SolverPool {
  private readonly pool?: Piscina;
  private pending = 0;

  constructor(private readonly o: SolverPoolOptions) {
    if (o.threads > 0) this.pool = new Piscina({ filename: workerFile(), minThreads: 1, maxThreads: o.threads, idleTimeout: 60_000 });
  }

  /** Solves waiting or running. */
  get load(): number {
    return this.pending;
  }

  get full(): boolean {
    return this.pending >= this.o.maxQueue + Math.max(1, this.o.threads);
  }

  /** Whether the worker threads are up (the pool has not been destroyed or lost every thread). */
  get alive(): boolean {
    return this.pool ? this.pool.threads.length > 0 || this.pool.options.minThreads === 0 : true;
  }

  async solve(task: SolveTask): Promise<SolveOutcome> {
    this.pending++;
    try {
      if (!this.pool) return await runSolve(task);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), this.o.timeoutMs);
      timer.unref();
      try {
        return (await this.pool.run(task, { signal: abort.signal })) as SolveOutcome;
      } catch (err) {
        if (abort.signal.aborted) return { ok: false, error: { code: 'UF_ERR_INFEASIBLE', message: `the solve took longer than the limit of ${this.o.timeoutMs / 1000} s and was stopped; make the request smaller`, details: {} } };
        return { ok: false, error: { code: 'UF_ERR_WORKER', message: `solver worker failed: ${(err as Error).message}`, details: {} } };
      } finally {
        clearTimeout(timer);
      }
    } finally {
      this.pending--;
    }
  }

  /**
   * Loads the LP runtime and compiles the dispatch solver on a worker thread, so the first utility request is solved
   * at steady-state speed (cold, a 200 x 96 dispatch takes about half as long again). A failure here only means the
   * first request pays that cost: it is reported, never thrown.
   */
  warmUp(onError: (err: Error) => void): void {
    this.pool?.run(WARM_UP).catch((err: Error) => onError(err));
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
