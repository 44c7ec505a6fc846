// Worker-thread entry of the second pricing thread: prices its share of the blocks each round for the master's thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { DispatchProblem } from '../problem.js';
import { blockOf } from './block.js';
import { Coupling } from './coupling.js';
import { isSeparable } from './oracle.js';
import { BlockPricer, pricedBlocks, type PricingResult } from './pricer.js';

export interface PricingThreadInit {
  readonly problem: DispatchProblem;
  readonly primaryLo?: readonly (Float64Array | undefined)[];
  readonly primaryHi?: readonly (Float64Array | undefined)[];
  readonly ids: readonly number[];
  readonly port: MessagePort;
  /** One Int32 the thread sets to 1 when its answer is posted (the master's thread waits on it). */
  readonly flag: SharedArrayBuffer;
}

export interface PricingRequest {
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
  const p = init.problem;
  const blocks = pricedBlocks(
    p.resources.map((_, i) => blockOf(p, i, init.primaryLo?.[i], init.primaryHi?.[i])),
    isSeparable,
  );
  const pricer = new BlockPricer(
    p,
    init.ids.map((k) => blocks[k]),
    init.ids,
    new Coupling(p),
  );
  const flag = new Int32Array(init.flag);
  init.port.on('message', (req: PricingRequest) => {
    const dual = req.dual;
    const out = req.out ?? dual;
    const r: PricingResult = pricer.price(dual, out, (id) => req.setDual[id], req.tol, req.budget);
    init.port.postMessage(r, r.plans.flatMap((pl) => [pl.primary.buffer, ...(pl.secondary ? [pl.secondary.buffer] : []), ...(pl.on ? [pl.on.buffer] : [])]) as ArrayBuffer[]);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
}
