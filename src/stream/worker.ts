// Piscina worker entry: one WorkerCore per engine state on this thread, built from workerData; tasks arrive in order.
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import { stateEntriesTransferList } from './state-log.js';
import { replyTransferList, type StateRecords, type WorkerReply, type WorkerTask } from './task.js';

const init = workerData as WorkerInit;
const cores = new Map<number, WorkerCore>();

function core(state: number): WorkerCore {
  let c = cores.get(state);
  if (!c) cores.set(state, (c = new WorkerCore(init)));
  return c;
}

// A window boundary can emit a row per key at once: the reply's columns move back without a copy.
export default function processTask(task: WorkerTask): unknown {
  const reply: WorkerReply = core(task.state).process(task);
  return Piscina.move({
    [Piscina.transferableSymbol]: replyTransferList(reply),
    [Piscina.valueSymbol]: reply,
  } as never);
}

export function checkpoint(arg: { state: number }): unknown {
  const entries = core(arg.state).checkpoint();
  return Piscina.move({
    [Piscina.transferableSymbol]: stateEntriesTransferList(entries),
    [Piscina.valueSymbol]: entries,
  } as never);
}

export function restore(arg: { state: number; records: StateRecords; watermark: number; rewrite: boolean }): number {
  core(arg.state).restore(arg.records, arg.watermark, arg.rewrite);
  return core(arg.state).activeWindows;
}

export function drop(arg: { state: number }): void {
  cores.delete(arg.state);
}
