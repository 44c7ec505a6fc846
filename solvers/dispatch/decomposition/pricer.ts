// Prices a set of blocks at given duals: each block's exact best response, its reduced cost, and the Lagrangian terms.
import type { DispatchProblem } from '../problem.js';
import { columnCosts, type Block } from './block.js';
import type { Coupling } from './coupling.js';
import { OracleScratch, oracleFor, type Oracle, type Plan } from './oracle.js';

/** A block's new plan; `block` is its index in the column generation's list of priced blocks. */
export interface PricedPlan {
  readonly block: number;
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
  /** Call pattern (MIP blocks; a mix of patterns is fractional) and the cost of its calls. */
  readonly on?: Float64Array;
  readonly callCost: number;
  /** Against the master's duals (`out`): below −tol, or it would not be a new plan. */
  readonly reducedCost: number;
}

export interface PricingResult {
  /** Σ over the priced blocks of their best response's value (or a valid lower bound on it). */
  readonly bound: number;
  readonly plans: PricedPlan[];
  /** Whether every value is the exact minimum (row generation on a budget may stop early). */
  readonly exact: boolean;
}

/** The blocks one thread prices; each keeps its oracle's state (row generation plans and rows) between rounds. */
export class BlockPricer {
  private readonly oracles: Oracle[];
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  /** Net price per interval at `dual` and at `out` for each feeder of the blocks (-1: none), computed once a call. */
  private readonly atDual = new Map<number, Float64Array>();
  private readonly atOut = new Map<number, Float64Array>();
  private readonly plans: Plan[];

  constructor(
    p: DispatchProblem,
    private readonly blocks: readonly Block[],
    /** Index of each block in the column generation's list. */
    private readonly ids: readonly number[],
    private readonly coupling: Coupling,
  ) {
    const n = p.hours.length;
    const scratch = new OracleScratch(n);
    this.oracles = blocks.map((b) => oracleFor(b, scratch));
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    for (const b of blocks)
      if (!this.atDual.has(b.feeder))
        (this.atDual.set(b.feeder, new Float64Array(n)), this.atOut.set(b.feeder, new Float64Array(n)));
    // one plan's values at a time: a block's plan is copied out before the next block is priced
    const primary = new Float64Array(n);
    const secondary = new Float64Array(n);
    const on = new Float64Array(n);
    this.plans = blocks.map((b) => ({
      primary,
      ...(b.secondaryHi ? { secondary } : {}),
      ...(b.calls ? { on } : {}),
      callCost: 0,
    }));
  }

  /**
   * Prices every block at `dual`; a plan whose reduced cost against the master's duals `out` (coupling rows) and
   * `setDual` (convexity row, by block id) is below −tol is returned as a new column.
   */
  price(
    dual: Float64Array,
    out: Float64Array,
    setDual: (id: number) => number,
    tol: number,
    budget?: number,
  ): PricingResult {
    const { a, b, coupling, atDual, atOut } = this;
    for (const [f, price] of atDual) {
      coupling.netPrice(dual, f, price);
      if (dual !== out) coupling.netPrice(out, f, atOut.get(f)!);
    }
    let bound = 0;
    let exact = true;
    const plans: PricedPlan[] = [];
    for (let k = 0; k < this.blocks.length; k++) {
      const blk = this.blocks[k];
      const oracle = this.oracles[k];
      columnCosts(blk, atDual.get(blk.feeder)!, undefined, a, b);
      const plan = this.plans[k];
      bound += oracle.solve(a, b, plan, budget);
      exact &&= oracle.exact;
      if (dual !== out) columnCosts(blk, atOut.get(blk.feeder)!, undefined, a, b);
      let rc = plan.callCost - setDual(this.ids[k]);
      for (let t = 0; t < blk.n; t++) rc += a[t] * plan.primary[t] + (plan.secondary ? b[t] * plan.secondary[t] : 0);
      if (rc < -tol) {
        plans.push({
          block: this.ids[k],
          primary: plan.primary.slice(),
          ...(plan.secondary ? { secondary: plan.secondary.slice() } : {}),
          ...(plan.on ? { on: plan.on.slice() } : {}),
          callCost: plan.callCost,
          reducedCost: rc,
        });
      }
    }
    return { bound, plans, exact };
  }
}

/**
 * The blocks priced by column generation, in a fixed order both pricing threads derive alike: resources that can act
 * at all and have rules across intervals.
 */
export function pricedBlocks(all: readonly Block[], isSeparable: (b: Block) => boolean): Block[] {
  return all.filter(
    (b) => (b.primaryHi.some((v) => v > 0) || (b.secondaryHi ?? []).some((v) => v > 0)) && !isSeparable(b),
  );
}

/**
 * Splits block ids between two threads by a rough cost (row generation weighs most), in cost order, each block to the
 * thread whose load relative to its `secondShare` (of the whole) or the rest is lower.
 */
export function splitBlocks(
  blocks: readonly Block[],
  weight: (b: Block) => number,
  secondShare = 0.5,
): [number[], number[]] {
  const order = blocks.map((_, k) => k).sort((x, y) => weight(blocks[y]) - weight(blocks[x]) || x - y);
  const halves: [number[], number[]] = [[], []];
  const load = [0, 0];
  for (const k of order) {
    const h = load[0] * secondShare <= load[1] * (1 - secondShare) ? 0 : 1;
    halves[h].push(k);
    load[h] += weight(blocks[k]);
  }
  return [halves[0].sort((x, y) => x - y), halves[1].sort((x, y) => x - y)];
}
