// The worker-thread pool that runs refits, so fitting thousands of series never blocks the event loop.
import { Piscina } from 'piscina';
import { workerFile, workerExecArgv } from '../../worker-file.js';
import type { FitOutcome, FitTask } from './fit-task.js';

export interface RefitPool {
  run(tasks: FitTask[]): Promise<FitOutcome[]>;
  readonly threads: number;
  close(): Promise<void>;
}

export function createRefitPool(threads: number): RefitPool {
  const pool = new Piscina({
    execArgv: workerExecArgv(),
    filename: workerFile(import.meta.url, './refit-worker.js'),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    threads,
    run: (tasks) =>
      pool.run(tasks, { transferList: tasks.map((t) => t.values.buffer) as never }) as Promise<FitOutcome[]>,
    close: () => pool.destroy(),
  };
}
