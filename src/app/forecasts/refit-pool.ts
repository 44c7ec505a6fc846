// The worker-thread pool that runs refits, so fitting thousands of series never blocks the event loop.
import { workerFile } from '../../worker-file.js';
import { startPiscina } from '../../piscina-pool.js';
import type { FitOutcome, FitTask } from './fit-task.js';

export interface RefitPool {
  run(tasks: FitTask[]): Promise<FitOutcome[]>;
  readonly threads: number;
  close(): Promise<void>;
}

export function createRefitPool(threads: number): RefitPool {
  const pool = startPiscina<FitTask[], FitOutcome[]>(workerFile(import.meta.url, './refit-worker.js'), {
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    threads,
    run: (tasks) => pool.run(tasks, { transferList: tasks.map((t) => t.values.buffer) as never }),
    close: () => pool.destroy(),
  };
}
