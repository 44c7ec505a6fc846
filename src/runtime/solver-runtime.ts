// The solver runtime: one pool of solver threads (piscina) for the API's plans, the live plans and the CLI.
import type { Piscina } from 'piscina';
import type { UrbanflowError } from '../errors.js';
import { workerFile } from '../worker-file.js';
import { startPiscina } from '../piscina-pool.js';
import { runSolverTask } from './run-task.js';
import { startSolverResources, type SolverResources } from './solver-resources.js';
import { fromTaskError } from './task-error.js';
import type { SolverResult, SolverTask, SolverTaskKind, TaskOutcome } from './task.js';

export interface SolverRuntimeOptions {
  /** Solver threads; 0 solves on the calling thread (CLIs, tests: the solve blocks its event loop). */
  threads: number;
  /** Solves waiting for a thread beyond which `full` answers true (callers refuse new work). */
  maxQueue?: number;
  /** A solve running longer than this is stopped and fails with UF_ERR_INFEASIBLE (none by default). */
  timeoutMs?: number;
}

const DEFAULT_MAX_QUEUE = 64;

export class SolverRuntime {
  private readonly pool?: Piscina<SolverTask, TaskOutcome>;
  /** The calling thread's resources when it solves itself (threads: 0), started on first use. */
  private inline?: SolverResources;
  private pending = 0;

  constructor(private readonly o: SolverRuntimeOptions) {
    if (o.threads > 0)
      this.pool = startPiscina(workerFile(import.meta.url, './solver-worker.js'), {
        minThreads: 1,
        maxThreads: o.threads,
        idleTimeout: 60_000,
      });
  }

  /** Solves waiting or running. */
  get load(): number {
    return this.pending;
  }

  get full(): boolean {
    return this.pending >= (this.o.maxQueue ?? DEFAULT_MAX_QUEUE) + Math.max(1, this.o.threads);
  }

  /** Whether the solver threads are up (the pool has not been destroyed or lost every thread). */
  get alive(): boolean {
    return this.pool ? this.pool.threads.length > 0 || this.pool.options.minThreads === 0 : true;
  }

  /** The task's outcome; never throws: a timeout, a dead thread and a solver's error all come back as failures. */
  async outcome<K extends SolverTaskKind>(task: SolverTask<K>): Promise<TaskOutcome<SolverResult<K>>> {
    this.pending++;
    try {
      return (await this.runOnce(task as SolverTask)) as TaskOutcome<SolverResult<K>>;
    } finally {
      this.pending--;
    }
  }

  /** The task's result, or its error rebuilt on this thread as the typed error it was (code, message, details). */
  async run<K extends SolverTaskKind>(task: SolverTask<K>): Promise<SolverResult<K>> {
    const o = await this.outcome(task);
    if (!o.ok) throw fromTaskError(o.error) satisfies UrbanflowError;
    return o.result;
  }

  /**
   * Loads the LP runtime and compiles the dispatch solver on a solver thread, so the first utility request is solved
   * at steady-state speed (cold, a 200 x 96 dispatch takes about half as long again). A failure here only means the
   * first request pays that cost: it is reported, never thrown.
   */
  warmUp(onError: (err: Error) => void): void {
    this.run({ kind: 'warm-up', input: null }).catch((err: Error) => onError(err));
  }

  /** Stops the solver threads and every thread they started. */
  async close(): Promise<void> {
    await this.pool?.destroy();
    const inline = this.inline;
    this.inline = undefined;
    await inline?.close();
  }

  private async runOnce(task: SolverTask): Promise<TaskOutcome> {
    if (!this.pool) return runSolverTask(task, (this.inline ??= startSolverResources()));
    const abort = new AbortController();
    const timer = this.o.timeoutMs !== undefined ? setTimeout(() => abort.abort(), this.o.timeoutMs) : undefined;
    timer?.unref();
    try {
      return await this.pool.run(task, { signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) {
        return {
          ok: false,
          error: {
            code: 'UF_ERR_INFEASIBLE',
            message: `the solve took longer than the limit of ${this.o.timeoutMs! / 1000} s and was stopped; make the request smaller`,
            details: {},
          },
        };
      }
      return {
        ok: false,
        error: { code: 'UF_ERR_WORKER', message: `solver worker failed: ${(err as Error).message}`, details: {} },
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
