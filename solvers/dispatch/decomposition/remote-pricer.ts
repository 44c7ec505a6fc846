// The master's side of the second pricing thread: sends duals, prices its own share meanwhile, then waits for the answer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DispatchProblem } from '../problem.js';
import type { PricingResult } from './pricer.js';
import type { PricingRequest, PricingThreadInit } from './pricing-thread.js';

/** The compiled thread entry; undefined under the test runner without a build (pricing then stays on one thread). */
function threadFile(): string | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return undefined;
  const file = fileURLToPath(new URL('./pricing-thread.js', here));
  return existsSync(file) ? file : undefined;
}

export class RemotePricer {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;

  private constructor(init: Omit<PricingThreadInit, 'port' | 'flag'>, file: string) {
    const channel = new MessageChannel();
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    this.port = channel.port1;
    this.worker = new Worker(file, { workerData: { ...init, port: channel.port2, flag: shared }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /** Starts the thread (it builds its blocks while the caller does other work), or undefined where it cannot run. */
  static start(problem: DispatchProblem, ids: readonly number[], bounds: Pick<PricingThreadInit, 'primaryLo' | 'primaryHi'> = {}): RemotePricer | undefined {
    const file = threadFile();
    return file && ids.length > 0 ? new RemotePricer({ problem, ids, ...bounds }, file) : undefined;
  }

  send(req: PricingRequest): void {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
  }

  /** Blocks until the thread's answer to the last send() arrives. */
  receive(): PricingResult {
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m) return m.message as PricingResult;
      Atomics.wait(this.flag, 0, 0, 50);
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
