// The master's side of the second pricing thread: sends duals, prices its own share meanwhile, then waits for the answer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DispatchProblem } from '../problem.js';
import type { PricingResult } from './pricer.js';
import type { PricingRequest, PricingSetup, PricingThreadInit } from './pricing-thread.js';

/** The compiled thread entry; undefined under the test runner without a build (pricing then stays on one thread). */
function threadFile(): string | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return undefined;
  const file = fileURLToPath(new URL('./pricing-thread.js', here));
  return existsSync(file) ? file : undefined;
}

/** One pricing thread per thread that runs column generation, started on first use and kept (unref'd) for later solves. */
interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
  alive: boolean;
}

let shared: Thread | undefined;

function thread(file: string): Thread {
  if (shared) return shared;
  const channel = new MessageChannel();
  const buffer = new SharedArrayBuffer(4);
  const init: PricingThreadInit = { port: channel.port2, flag: buffer };
  const worker = new Worker(file, { workerData: init, transferList: [channel.port2] });
  worker.unref();
  channel.port1.unref();
  const t: Thread = { worker, port: channel.port1, flag: new Int32Array(buffer), alive: true };
  const gone = () => {
    t.alive = false;
    if (shared === t) shared = undefined;
  };
  worker.on('error', gone);
  worker.on('exit', gone);
  shared = t;
  return t;
}

export class RemotePricer {
  private constructor(private readonly t: Thread) {}

  /** Hands the thread its blocks (it builds them while the caller does other work), or undefined where it cannot run. */
  static start(problem: DispatchProblem, ids: readonly number[], resources: readonly number[], bounds: Pick<PricingSetup, 'primaryLo' | 'primaryHi'> = {}): RemotePricer | undefined {
    const file = threadFile();
    if (!file || ids.length === 0) return undefined;
    const t = thread(file);
    const setup: PricingSetup = { kind: 'setup', problem, ids, resources, ...bounds };
    t.port.postMessage(setup);
    return new RemotePricer(t);
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
      if (!this.t.alive || waited > 60_000) throw new Error('pricing thread stopped');
      Atomics.wait(this.t.flag, 0, 0, 50);
    }
  }
}
