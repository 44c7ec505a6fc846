// Picks each block's exact best-response method, and the local rows that method leaves to the master.
import { rampRows, type Block } from './block.js';
import { hvacCalls, industrialCalls, type CallPlan } from './calls.js';
import { RampPath, solveBoxes } from './ramp-path.js';
import { RowGeneration, RowScratch, type BlockMethod } from './row-generation.js';
import { RunLimitPath } from './run-limit.js';
import { StoragePath, StorageScratch } from './storage-path.js';

/** A block plan: primary per interval, secondary for batteries and EV fleets, the call pattern and its cost for MIP blocks. */
export interface Plan {
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
  readonly on?: Float64Array;
  callCost: number;
}

/** Minimizes Σ a·primary + Σ b·secondary over the block's polytope, writes the plan, returns the minimum (or a lower bound on it equal at convergence). */
export interface Oracle {
  /** `budget` limits the pricing iterations of row generation (an inexact answer then: see `exact`). */
  solve(a: Float64Array, b: Float64Array, plan: Plan, budget?: number): number;
  /** Whether the last solve() was proved optimal (always, without row generation). */
  readonly exact: boolean;
}

/** Working memory shared by the oracles of one thread (they solve one at a time). */
export class OracleScratch {
  readonly storage: StorageScratch;
  readonly rows: RowScratch;

  constructor(readonly n: number) {
    this.storage = new StorageScratch(n);
    this.rows = new RowScratch(n);
  }
}

/** True when the block has no rule linking its intervals: its columns can sit in the master as they are. */
export function isSeparable(blk: Block): boolean {
  return !blk.storage && blk.ramp === undefined && blk.windows.length === 0 && !blk.calls;
}

/** Whether an exact best response exists for the block's call decisions (industrial loads, HVAC whose windows are a run limit). */
export function supportsCalls(blk: Block): boolean {
  if (!blk.calls) return true;
  return blk.kind === 'industrial' || (blk.kind === 'hvac' && (blk.windows.length === 0 || blk.runLimit !== undefined));
}

function baseMethod(
  blk: Block,
  scratch: OracleScratch,
): { solve: BlockMethod; handlesRamp: boolean; handlesWindows: boolean } {
  const calls = blk.calls;
  if (calls && blk.kind === 'industrial') {
    const dp = industrialCalls(calls, blk.primaryHi);
    return { solve: (a, _b, plan) => dp.solve(a, plan as CallPlan), handlesRamp: false, handlesWindows: true };
  }
  if (calls) {
    if (!supportsCalls(blk)) throw new Error(`no exact best response for calls of a ${blk.kind} resource`);
    const dp = hvacCalls(calls, blk.primaryHi, blk.runLimit ?? blk.n);
    return { solve: (a, _b, plan) => dp.solve(a, plan as CallPlan), handlesRamp: false, handlesWindows: true };
  }
  if (blk.storage) {
    const path = new StoragePath(blk.storage, blk.primaryHi, blk.secondaryHi!, scratch.storage);
    return {
      solve: (a, b, plan) => path.solve(a, b, plan.primary, plan.secondary!),
      handlesRamp: false,
      handlesWindows: true,
    };
  }
  if (blk.windows.length > 0 && blk.runLimit !== undefined && blk.primaryLo.every((v) => v === 0)) {
    const path = new RunLimitPath(blk.primaryHi, blk.runLimit);
    return { solve: (a, _b, plan) => path.solve(a, plan.primary), handlesRamp: false, handlesWindows: true };
  }
  if (blk.ramp !== undefined && blk.windows.length === 0) {
    const path = new RampPath(blk.primaryLo, blk.primaryHi, blk.ramp);
    return { solve: (a, _b, plan) => path.solve(a, plan.primary), handlesRamp: true, handlesWindows: true };
  }
  return {
    solve: (a, _b, plan) => solveBoxes(a, blk.primaryLo, blk.primaryHi, plan.primary),
    handlesRamp: false,
    handlesWindows: false,
  };
}

export function oracleFor(blk: Block, scratch: OracleScratch = new OracleScratch(blk.n)): Oracle {
  const base = baseMethod(blk, scratch);
  const left = [...(base.handlesWindows ? [] : blk.windows), ...(base.handlesRamp ? [] : rampRows(blk))];
  if (left.length === 0) {
    return {
      exact: true,
      solve: (a, b, plan, _budget) => {
        plan.callCost = 0;
        return base.solve(a, b, plan);
      },
    };
  }
  const rg = new RowGeneration(
    base.solve,
    left,
    blk.n,
    blk.secondaryHi !== undefined,
    blk.calls !== undefined,
    scratch.rows,
  );
  return {
    get exact() {
      return rg.exact;
    },
    solve: (a, b, plan, budget) => rg.solve(a, b, plan, budget),
  };
}
