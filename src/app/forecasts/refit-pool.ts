// The worker-thread pool that runs refits, so fitting thousands of series never blocks the event loop.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FitOutcome, FitTask } from './fit-task.js';

export interface RefitPool {
  run(tasks: FitTask[]): Promise<FitOutcome[]>;
  readonly threads: number;
  close(): Promise<void>;
}

function workerFile(): string {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../../dist/src/app/forecasts/refit-worker.js', here) : new URL('./refit-worker.js', here);
  return fileURLToPath(url);
}

export function createRefitPool(threads: number): RefitPool {
  const pool = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });
  return {
    threads,
    run: (tasks) => pool.run(tasks, { transferList: tasks.map((t) => t.values.buffer) as never }) as Promise<FitOutcome[]>,
    close: () => pool.destroy(),
  };
}
