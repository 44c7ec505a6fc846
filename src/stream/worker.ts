// Piscina worker entry: one WorkerCore per engine state on this thread, built from workerData; tasks arrive in order.
import { workerData } from 'node:worker_threads';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import type { StateRecords, WorkerReply, WorkerTask } from './task.js';

const init = workerData as WorkerInit;
const cores = new Map<number, WorkerCore>();

function core(state: number): WorkerCore {
  let c = cores.get(state);
  if (!c) cores.set(state, (c = new WorkerCore(init)));
  return c;
}

// Replies are small next to tasks (one row per window, not per reading), so they are copied back.
export default function processTask(task: WorkerTask): WorkerReply {
  return core(task.state).process(task);
}

export function checkpoint(arg: { state: number }): StateRecords {
  return core(arg.state).checkpoint();
}

export function restore(arg: { state: number; records: StateRecords; watermark: number }): number {
  core(arg.state).restore(arg.records, arg.watermark);
  return core(arg.state).activeWindows;
}

export function drop(arg: { state: number }): void {
  cores.delete(arg.state);
}
