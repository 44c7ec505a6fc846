// The master's side of the second pricing thread: sends duals, prices its own share meanwhile, then waits for the answer.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DispatchProblem } from '../problem.js';
import { DecompositionNumericalError } from './numerical-error.js';
import type { PricingResult } from './pricer.js';
import type { PricingRequest, PricingSetup, PricingThreadInit } from './pricing-thread.js';

/**
 * A second pricing thread, started by its owner (the solver runtime, one per thread that runs column generation) from
 * the compiled entry `pricing-thread.js`, and kept for later solves until the owner closes it.
 */
export class PricingThread {
  private alive = true;

  private constructor(
    private readonly worker: Worker,
    readonly port: MessagePort,
    readonly flag: Int32Array,
  ) {
    const gone = () => (this.alive = false);
    worker.on('error', gone);
    worker.on('exit', gone);
  }

  /** `file`: the compiled pricing-thread.js. The thread is unref'd: it never keeps a process alive by itself. */
  static start(file: string): PricingThread {
    const channel = new MessageChannel();
    const buffer = new SharedArrayBuffer(4);
    const init: PricingThreadInit = { port: channel.port2, flag: buffer };
    const worker = new Worker(file, { workerData: init, transferList: [channel.port2] });
    worker.unref();
    channel.port1.unref();
    return new PricingThread(worker, channel.port1, new Int32Array(buffer));
  }

  get running(): boolean {
    return this.alive;
  }

  async close(): Promise<void> {
    this.alive = false;
    this.port.close();
    await this.worker.terminate();
  }
}

export class RemotePricer {
  private constructor(private readonly t: PricingThread) {}

  /** Hands the thread its blocks (it builds them while the caller does other work), or undefined without a running thread. */
  static start(
    thread: PricingThread | undefined,
    problem: DispatchProblem,
    ids: readonly number[],
    resources: readonly number[],
    bounds: Pick<PricingSetup, 'primaryLo' | 'primaryHi'> = {},
  ): RemotePricer | undefined {
    if (!thread?.running || ids.length === 0) return undefined;
    const setup: PricingSetup = { kind: 'setup', problem, ids, resources, ...bounds };
    thread.port.postMessage(setup);
    return new RemotePricer(thread);
  }

  send(req: Omit<PricingRequest, 'kind'>): void {
    Atomics.store(this.t.flag, 0, 0);
    this.t.port.postMessage({ kind: 'price', ...req });
  }

  /** Blocks until the thread's answer to the last send() arrives; throws if the thread died (the caller falls back). */
  receive(): PricingResult {
    for (let waited = 0; ; waited += 50) {
      const m = receiveMessageOnPort(this.t.port);
      if (m) return m.message as PricingResult;
      // Exit events need this thread's event loop, which is blocked here: a silent minute means the thread is gone.
      if (!this.t.running || waited > 60_000)
        throw new DecompositionNumericalError('pricing-thread-stopped', 'pricing thread stopped');
      Atomics.wait(this.t.flag, 0, 0, 50);
    }
  }
}
