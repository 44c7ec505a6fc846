// Worker-thread entry of the second pricing thread: prices its share of the blocks each round for the master's thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DispatchProblem } from '../problem.js';
import { blockOf } from './block.js';
import { Coupling } from './coupling.js';
import { BlockPricer, type PricingResult } from './pricer.js';

/** The thread's lifetime channel: requests come on `port`; it sets the Int32 in `flag` to 1 when an answer is posted. */
export interface PricingThreadInit {
  readonly port: MessagePort;
  readonly flag: SharedArrayBuffer;
}

/** Starts pricing a problem's blocks with these ids (indices in pricedBlocks order); later requests price them. */
export interface PricingSetup {
  readonly kind: 'setup';
  readonly problem: DispatchProblem;
  readonly primaryLo?: readonly (Float64Array | undefined)[];
  readonly primaryHi?: readonly (Float64Array | undefined)[];
  readonly ids: readonly number[];
  /** The resource of each of those blocks. */
  readonly resources: readonly number[];
}

export interface PricingRequest {
  readonly kind: 'price';
  readonly dual: Float64Array;
  /** The master's duals for reduced costs; absent when they are `dual` itself. */
  readonly out?: Float64Array;
  /** Convexity duals by block id. */
  readonly setDual: Float64Array;
  readonly tol: number;
  readonly budget?: number;
}

const init = workerData as PricingThreadInit;
if (parentPort && init?.port) {
  const flag = new Int32Array(init.flag);
  let pricer: BlockPricer | undefined;
  init.port.on('message', (msg: PricingSetup | PricingRequest) => {
    if (msg.kind === 'setup') {
      const p = msg.problem;
      pricer = new BlockPricer(
        p,
        msg.resources.map((i) => blockOf(p, i, msg.primaryLo?.[i], msg.primaryHi?.[i])),
        msg.ids,
        new Coupling(p),
      );
      return;
    }
    const dual = msg.dual;
    const out = msg.out ?? dual;
    const r: PricingResult = pricer!.price(dual, out, (id) => msg.setDual[id], msg.tol, msg.budget);
    // Copied, not transferred: transferring detaches the plans' buffers, and once a buffer is detached V8 checks every
    // typed array access of this thread again (the 44 pricing rounds of a 1000 x 96 solve on 25 feeders, replayed on
    // one thread: 1,124-1,168 ms, and 1,340-1,502 ms once one buffer had been detached).
    init.port.postMessage(r);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
}
