// Piscina worker entry: one WorkerCore per thread, built from workerData; tasks arrive in order.
import { workerData } from 'node:worker_threads';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import type { WorkerReply, WorkerTask } from './task.js';

const core = new WorkerCore(workerData as WorkerInit);

// Replies are small next to tasks (one row per window, not per reading), so they are copied back.
export default function processTask(task: WorkerTask): WorkerReply {
  return core.process(task);
}
