// Piscina worker entry: one WorkerCore per thread, built from workerData; tasks arrive in order.
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WorkerCore, type WorkerInit } from './worker-core.js';
import { replyTransferList, type WorkerReply, type WorkerTask } from './task.js';

const core = new WorkerCore(workerData as WorkerInit);

// A window boundary can emit a row per key at once: the reply's columns move back without a copy.
export default function processTask(task: WorkerTask): unknown {
  const reply: WorkerReply = core.process(task);
  return Piscina.move({ [Piscina.transferableSymbol]: replyTransferList(reply), [Piscina.valueSymbol]: reply } as never);
}
