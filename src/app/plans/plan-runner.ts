// Where planning tasks run: a worker-thread pool for the server, or the calling thread.
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { fromTaskError, runPlanTask, type CollectionReply, type CollectionTask, type SignalReply, type SignalTask } from './plan-task.js';
import type { CollectionPlan } from '../../../solvers/routing/collection/index.js';

export interface PlanRunner {
  signals(task: SignalTask): Promise<SignalReply>;
  /** Resolves to the plan, or rejects with the planner's typed error. */
  collection(task: CollectionTask): Promise<CollectionPlan>;
  close(): Promise<void>;
}

function unwrap(reply: CollectionReply): CollectionPlan {
  if ('error' in reply) throw fromTaskError(reply.error);
  return reply.plan;
}

/** Runs tasks on the calling thread (a CLI, a test); the routing solver blocks it for its time budget. */
export function inlinePlanRunner(clock: () => number): PlanRunner {
  return {
    signals: (task) => runPlanTask(task, clock) as Promise<SignalReply>,
    collection: async (task) => unwrap((await runPlanTask(task, clock)) as CollectionReply),
    close: async () => undefined,
  };
}

function workerFile(): string {
  const here = import.meta.url;
  // Under the test runner this module is TypeScript source; workers always run the compiled build.
  const url = here.endsWith('.ts') ? new URL('../../../dist/src/app/plans/plan-worker.js', here) : new URL('./plan-worker.js', here);
  return fileURLToPath(url);
}

/** A worker pool for planning, so a routing solve of several seconds never stalls the API. */
export function createPlanPool(threads = 1): PlanRunner {
  const pool = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });
  return {
    signals: (task) => pool.run(task) as Promise<SignalReply>,
    collection: async (task) => unwrap((await pool.run(task)) as CollectionReply),
    close: () => pool.destroy(),
  };
}
