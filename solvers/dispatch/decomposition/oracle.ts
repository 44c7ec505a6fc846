// Picks each block's exact best-response method, and the local rows that method leaves to the master.
import { rampRows, type Block, type LocalRow } from './block.js';
import { RampPath, solveBoxes } from './ramp-path.js';
import { RunLimitPath } from './run-limit.js';
import { StoragePath } from './storage-path.js';

/** A block plan: primary per interval, and secondary for batteries and EV fleets. */
export interface Plan {
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
}

/** Minimizes Σ a·primary + Σ b·secondary over the block's polytope (less `leftRows`), writes the plan, returns the minimum. */
export interface Oracle {
  readonly method: 'boxes' | 'ramp-path' | 'storage-path' | 'run-limit';
  solve(a: Float64Array, b: Float64Array, plan: Plan): number;
  /** Rules of the block this method does not enforce: the master holds them as rows, added when violated. */
  readonly leftRows: readonly LocalRow[];
}

/** True when the block has no rule linking its intervals: its columns can sit in the master as they are. */
export function isSeparable(blk: Block): boolean {
  return !blk.storage && blk.ramp === undefined && blk.windows.length === 0;
}

export function oracleFor(blk: Block): Oracle {
  const ramps = rampRows(blk);
  if (blk.storage) {
    const path = new StoragePath(blk.storage, blk.hi, blk.hi2!);
    return { method: 'storage-path', leftRows: ramps, solve: (a, b, plan) => path.solve(a, b, plan.primary, plan.secondary!) };
  }
  if (blk.windows.length > 0 && blk.runLimit !== undefined && blk.lo.every((v) => v === 0)) {
    const path = new RunLimitPath(blk.hi, blk.runLimit);
    return { method: 'run-limit', leftRows: ramps, solve: (a, _b, plan) => path.solve(a, plan.primary) };
  }
  if (blk.ramp !== undefined && blk.windows.length === 0) {
    const path = new RampPath(blk.lo, blk.hi, blk.ramp);
    return { method: 'ramp-path', leftRows: [], solve: (a, _b, plan) => path.solve(a, plan.primary) };
  }
  return { method: 'boxes', leftRows: [...blk.windows, ...ramps], solve: (a, _b, plan) => solveBoxes(a, blk.lo, blk.hi, plan.primary) };
}
