// Picks each block's exact best-response method, and the local rows that method leaves to the master.
import { rampRows, type Block } from './block.js';
import { RampPath, solveBoxes } from './ramp-path.js';
import { RowGeneration, type BlockMethod } from './row-generation.js';
import { RunLimitPath } from './run-limit.js';
import { StoragePath } from './storage-path.js';

/** A block plan: primary per interval, and secondary for batteries and EV fleets. */
export interface Plan {
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
}

export type OracleMethod = 'boxes' | 'ramp-path' | 'storage-path' | 'run-limit';

/** Minimizes Σ a·primary + Σ b·secondary over the block's polytope, writes the plan, returns the minimum (or a lower bound on it equal at convergence). */
export interface Oracle {
  /** The path method; with `rowGeneration` it solves a relaxation and the block's remaining rules are generated. */
  readonly method: OracleMethod;
  readonly rowGeneration: boolean;
  /** `budget` limits the pricing iterations of row generation (an inexact answer then: see `exact`). */
  solve(a: Float64Array, b: Float64Array, plan: Plan, budget?: number): number;
  /** Whether the last solve() was proved optimal (always, without row generation). */
  readonly exact: boolean;
}

/** True when the block has no rule linking its intervals: its columns can sit in the master as they are. */
export function isSeparable(blk: Block): boolean {
  return !blk.storage && blk.ramp === undefined && blk.windows.length === 0;
}

function baseMethod(blk: Block): { method: OracleMethod; solve: BlockMethod; handlesRamp: boolean; handlesWindows: boolean } {
  if (blk.storage) {
    const path = new StoragePath(blk.storage, blk.hi, blk.hi2!);
    return { method: 'storage-path', solve: (a, b, x, y) => path.solve(a, b, x, y!), handlesRamp: false, handlesWindows: true };
  }
  if (blk.windows.length > 0 && blk.runLimit !== undefined && blk.lo.every((v) => v === 0)) {
    const path = new RunLimitPath(blk.hi, blk.runLimit);
    return { method: 'run-limit', solve: (a, _b, x) => path.solve(a, x), handlesRamp: false, handlesWindows: true };
  }
  if (blk.ramp !== undefined && blk.windows.length === 0) {
    const path = new RampPath(blk.lo, blk.hi, blk.ramp);
    return { method: 'ramp-path', solve: (a, _b, x) => path.solve(a, x), handlesRamp: true, handlesWindows: true };
  }
  return { method: 'boxes', solve: (a, _b, x) => solveBoxes(a, blk.lo, blk.hi, x), handlesRamp: false, handlesWindows: false };
}

export function oracleFor(blk: Block): Oracle {
  const base = baseMethod(blk);
  const left = [...(base.handlesWindows ? [] : blk.windows), ...(base.handlesRamp ? [] : rampRows(blk))];
  if (left.length === 0) return { method: base.method, rowGeneration: false, exact: true, solve: (a, b, plan) => base.solve(a, b, plan.primary, plan.secondary) };
  const rg = new RowGeneration(base.solve, left, blk.n, blk.hi2 !== undefined);
  return {
    method: base.method,
    rowGeneration: true,
    get exact() {
      return rg.exact;
    },
    solve: (a, b, plan, budget) => rg.solve(a, b, plan.primary, plan.secondary, budget),
  };
}
