// Resources with no rule across intervals sit in the master as plain bounded columns, merged where interchangeable.
import { netOf, type Block } from './block.js';
import type { Coupling, EntrySink } from './coupling.js';
import type { GubSimplex } from './gub-simplex.js';

/** One master column: the primaries of one or more resources in one interval that cost and count the same. */
interface Group {
  readonly cost: number;
  lo: number;
  hi: number;
  readonly members: Array<{ readonly resource: number; readonly t: number; readonly lo: number; readonly hi: number }>;
  /**
   * Net reduction of one kW of this primary per interval (rebound spreads it over later intervals), by its nonzeros:
   * the intervals and the values there (one interval without rebound). Thousands of groups at 1,000 resources: a dense
   * vector each made the constructor a measurable part of a solve.
   */
  readonly netAt: Int32Array;
  readonly netValue: Float64Array;
  readonly feeder: number;
}

/**
 * Columns of a separable resource differ only in cost and bounds, so resources on the same feeder at the same cost
 * in the same interval (and without rebound) are one column whose bounds add up: the master then sees one merit-order
 * step per cost instead of one column per resource, which saves it many bound-flip iterations.
 */
export class SeparableColumns {
  private readonly groups: Group[] = [];
  private firstCol = -1;
  /** Price per interval for each feeder that has columns here (scratch for lagrangian). */
  private readonly prices = new Map<number, Float64Array>();

  constructor(blocks: readonly Block[]) {
    const n = blocks[0]?.n ?? 0;
    // mergeable groups by (feeder, interval), then by cost
    const byKey: Map<number, Group>[] = [];
    const unit = new Float64Array(n);
    const net = new Float64Array(n);
    for (const blk of blocks) {
      for (let t = 0; t < n; t++) {
        if (blk.primaryHi[t] <= 0 && blk.primaryLo[t] <= 0) continue;
        const member = { resource: blk.resource, t, lo: blk.primaryLo[t], hi: blk.primaryHi[t] };
        const slot = blk.rebound ? undefined : (byKey[(blk.feeder + 1) * n + t] ??= new Map());
        const known = slot?.get(blk.unitCost[t]);
        if (known) {
          known.lo += member.lo;
          known.hi += member.hi;
          known.members.push(member);
          continue;
        }
        unit.fill(0);
        unit[t] = 1;
        netOf(blk, unit, undefined, net);
        let nnz = 0;
        for (let u = 0; u < n; u++) if (net[u] !== 0) nnz++;
        const netAt = new Int32Array(nnz);
        const netValue = new Float64Array(nnz);
        for (let u = 0, k = 0; u < n; u++) if (net[u] !== 0) ((netAt[k] = u), (netValue[k++] = net[u]));
        const g: Group = {
          cost: blk.unitCost[t],
          lo: member.lo,
          hi: member.hi,
          members: [member],
          netAt,
          netValue,
          feeder: blk.feeder,
        };
        this.groups.push(g);
        if (!this.prices.has(blk.feeder)) this.prices.set(blk.feeder, new Float64Array(n));
        slot?.set(blk.unitCost[t], g);
      }
    }
  }

  get size(): number {
    return this.groups.length;
  }

  /** Appends the columns to the master, recording where they start; their coupling entries go to `sink`. */
  addTo(master: GubSimplex, coupling: Coupling, sink: EntrySink): void {
    this.firstCol = master.cols.count;
    const net = new Float64Array(coupling.targetRow.length);
    for (const g of this.groups) {
      master.addColumn(g.cost, g.lo, g.hi, -1);
      for (let k = 0; k < g.netAt.length; k++) net[g.netAt[k]] = g.netValue[k];
      coupling.addNet(sink, g.feeder, net);
      for (let k = 0; k < g.netAt.length; k++) net[g.netAt[k]] = 0;
    }
  }

  /** Σ over columns of min over their bounds of the reduced cost under `dual` times the column. */
  lagrangian(dual: Float64Array, coupling: Coupling): number {
    for (const [feeder, price] of this.prices) coupling.netPrice(dual, feeder, price);
    let s = 0;
    // a pass per solve over thousands of groups: only the nonzeros of each group's net reduction are read
    for (const g of this.groups) {
      const price = this.prices.get(g.feeder)!;
      const { netAt, netValue } = g;
      let d = g.cost;
      for (let k = 0; k < netAt.length; k++) d -= price[netAt[k]] * netValue[k];
      s += d * (d < 0 ? g.hi : g.lo);
    }
    return s;
  }

  /** Writes each member's primary from the master solution, splitting a merged column in proportion to the ranges. */
  read(x: Float64Array, primary: readonly Float64Array[]): void {
    this.groups.forEach((g, k) => {
      const v = x[this.firstCol + k];
      const range = g.hi - g.lo;
      const share = range > 0 ? Math.min(1, Math.max(0, (v - g.lo) / range)) : 0;
      for (const m of g.members) primary[m.resource][m.t] = m.lo + share * (m.hi - m.lo);
    });
  }
}
