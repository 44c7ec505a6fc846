// Solver thread entry (piscina): one task envelope in, its outcome out; the thread's HiGHS and decomposition threads live as long as it does.
import { runSolverTask } from './run-task.js';
import { startSolverResources } from './solver-resources.js';
import type { SolverTask, TaskOutcome } from './task.js';

const resources = startSolverResources();

export default function solveInWorker(task: SolverTask): Promise<TaskOutcome> {
  return runSolverTask(task, resources);
}
