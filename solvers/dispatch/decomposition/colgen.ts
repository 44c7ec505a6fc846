// Dantzig-Wolfe column generation for the dispatch LP: exact block best responses priced against one warm master.
import type { DispatchProblem } from '../problem.js';
import { blockOf, netOf, netSimultaneous, stateOf, type Block } from './block.js';
import { coarsen, refineDuals } from './coarse.js';
import { Coupling } from './coupling.js';
import { GubSimplex } from './gub-simplex.js';
import { isSeparable } from './oracle.js';
import { BlockPricer, pricedBlocks, splitBlocks, type PricedPlan } from './pricer.js';
import { RemotePricer, type PricingThread } from './remote-pricer.js';
import { SeparableColumns } from './separable.js';

export interface ColgenOptions {
  /** Replaces primary bounds per resource (a MIP's fixed calls); undefined entries keep the resource's own. */
  readonly primaryLo?: readonly (Float64Array | undefined)[];
  readonly primaryHi?: readonly (Float64Array | undefined)[];
  /** Stop once the master objective and the Lagrangian bound agree to this relative gap. */
  readonly relGap?: number;
  readonly maxRounds?: number;
  /** Wentges smoothing weight of the best dual point so far (0 disables smoothing). */
  readonly smoothing?: number;
  /** Duals of the coupling rows to price every block at before the first master solve. */
  readonly seedDuals?: Float64Array;
  /** Plans known feasible for a resource (by resource index), added as columns before the first master solve. */
  readonly seedPlans?: (resource: number) => readonly SeedPlan[];
  /** For per-phase timings in the statistics and the time budget; without it only counts are kept. */
  readonly clock?: () => number;
  /** Clock reading at which to stop with the master's current (feasible) plan and the best bound so far. */
  readonly stopAt?: number;
  /** The problem's blocks (built here when absent). */
  readonly blocks?: readonly Block[];
  /** A second thread pricing the blocks with these ids (indices in pricedBlocks order); this thread prices the rest. */
  readonly remote?: { readonly pricer: RemotePricer; readonly ids: readonly number[] };
}

export interface ColgenStats {
  rounds: number;
  columns: number;
  masterIterations: number;
  masterMs: number;
  oracleMs: number;
  mispricings: number;
}

export interface ColgenResult {
  readonly optimal: boolean;
  /** Stopped at `stopAt`: the plan is feasible, `lowerBound` proves how far from optimal it can be. */
  readonly timedOut: boolean;
  readonly objective: number;
  readonly lowerBound: number;
  /** Per resource: primary and (battery, EV) secondary per interval. */
  readonly primary: Float64Array[];
  readonly secondary: (Float64Array | undefined)[];
  /** Per resource: net reduction and (storages) state per interval of the plan. */
  readonly net: Float64Array[];
  readonly state: (Float64Array | undefined)[];
  /** Per resource with call decisions: the master's mix of call patterns (fractional where it mixes). */
  readonly on: (Float64Array | undefined)[];
  /** Shortfall per target interval (0 without a target row) and per capped feeder. */
  readonly shortfall: Float64Array;
  readonly feederShortfall: (Float64Array | undefined)[];
  /** Duals of the target rows per interval and of each feeder's cap rows (undefined without the rows). */
  readonly targetDual: Float64Array;
  readonly feederCapDual: (Float64Array | undefined)[];
  /** The master's final duals of all coupling rows (to seed a related solve). */
  readonly duals: Float64Array;
  /** Every column the master held, by resource (to seed a related solve). */
  readonly plans: (resource: number) => SeedPlan[];
  readonly stats: ColgenStats;
}

/** A plan of one resource from a related solve. */
export interface SeedPlan {
  readonly primary: Float64Array;
  readonly secondary?: Float64Array;
  readonly on?: Float64Array;
  readonly callCost: number;
}

/** A resource priced by column generation: its columns are whole plans, mixed convexly in the master. */
interface DwBlock {
  readonly block: Block;
  readonly set: number;
  readonly cols: number[];
  readonly primaries: Float64Array[];
  readonly secondaries: (Float64Array | undefined)[];
  readonly ons: (Float64Array | undefined)[];
}

const DEFAULT_REL_GAP = 1e-7;
const DEFAULT_MAX_ROUNDS = 2000;
const DEFAULT_SMOOTHING = 0.5;
/** Rounds a plan may stay out of the master's basis before pricing stops looking at it. */
const RETIRE_AFTER_ROUNDS = 4;
/** Relative gap above which row-generation blocks get EARLY_BUDGET pricing iterations per round instead of exactness. */
const EARLY_GAP = 1e-3;
const EARLY_BUDGET = 2;
/** Priced blocks from which a second pricing thread pays for its start. */
const MIN_BLOCKS_FOR_THREAD = 64;
/** The coarse solve only needs approximate prices. */
const COARSE_REL_GAP = 1e-4;

export class Colgen {
  readonly coupling: Coupling;
  readonly master: GubSimplex;
  private readonly dw: DwBlock[] = [];
  private readonly separable: SeparableColumns;
  private readonly shortfallCol: number[] = [];
  private readonly n: number;
  private readonly stats: ColgenStats = { rounds: 0, columns: 0, masterIterations: 0, masterMs: 0, oracleMs: 0, mispricings: 0 };
  private readonly net: Float64Array;
  private readonly local: BlockPricer;
  private readonly blocks: readonly Block[];

  constructor(
    private readonly p: DispatchProblem,
    private readonly options: ColgenOptions = {},
  ) {
    const n = (this.n = p.hours.length);
    this.net = new Float64Array(n);
    const coupling = (this.coupling = new Coupling(p));
    const master = (this.master = new GubSimplex(coupling.rowLower, coupling.rowUpper));
    coupling.shortfallRow.forEach((r, k) => {
      this.shortfallCol.push(master.addColumn(coupling.shortfallCost[k], 0, Infinity, -1));
      master.cols.entry(r, 1);
    });
    const blocks = options.blocks ?? blocksOf(p, options);
    const active = blocks.filter((b) => b.hi.some((v) => v > 0) || (b.hi2 ?? []).some((v) => v > 0));
    this.separable = new SeparableColumns(active.filter(isSeparable));
    this.separable.addTo(master, coupling);
    this.blocks = blocks;
    const priced = pricedBlocks(blocks, isSeparable);
    const remote = new Set(options.remote?.ids ?? []);
    const localIds = priced.map((_, k) => k).filter((k) => !remote.has(k));
    this.local = new BlockPricer(
      p,
      localIds.map((k) => priced[k]),
      localIds,
      coupling,
    );
    // one zero plan for all (plans are never written once they are columns)
    const zero = new Float64Array(n);
    for (const blk of priced) {
      const d: DwBlock = { block: blk, set: master.addSet(), cols: [], primaries: [], secondaries: [], ons: [] };
      this.dw.push(d);
      // Each set's first column (its key) is the resource's plan at its lower bounds: calling nothing, or under fixed
      // calls each called interval at its minimum depth. Any plan below that (the zero plan of a called load) would
      // mix into setpoints under the minimum depth.
      this.addColumn(d, floorPlan(blk, zero), blk.hi2 ? zero : undefined, blk.calls ? zero : undefined, 0);
      for (const s of options.seedPlans?.(blk.resource) ?? []) this.addColumn(d, s.primary, s.secondary, s.on, s.callCost);
    }
    master.crash();
  }

  private addColumn(d: DwBlock, primary: Float64Array, secondary: Float64Array | undefined, on: Float64Array | undefined, callCost: number): void {
    const blk = d.block;
    let cost = callCost;
    for (let t = 0; t < this.n; t++) cost += blk.unitCost[t] * primary[t];
    d.cols.push(this.master.addColumn(cost, 0, Infinity, d.set));
    this.coupling.addNet(this.master.cols, blk.feeder, netOf(blk, primary, secondary, this.net));
    d.primaries.push(primary);
    d.secondaries.push(secondary);
    d.ons.push(on);
    this.stats.columns++;
  }

  private now(): number {
    return this.options.clock ? this.options.clock() : 0;
  }

  /**
   * Prices every block at `dual` (half of them on the second thread when there is one); adds columns whose reduced
   * cost against the master's own duals `out` is negative. Returns the Lagrangian bound at `dual`.
   */
  private priceAll(dual: Float64Array, out: Float64Array, tol: number, budget?: number): { bound: number; added: number; exact: boolean } {
    const { master } = this;
    const remote = this.options.remote?.pricer;
    if (remote) {
      const setDual = Float64Array.from(this.dw, (d) => master.setDual(d.set));
      remote.send({ dual, ...(dual !== out ? { out } : {}), setDual, tol, ...(budget !== undefined ? { budget } : {}) });
    }
    const local = this.local.price(dual, out, (id) => master.setDual(this.dw[id].set), tol, budget);
    const far = remote?.receive();
    const plans: PricedPlan[] = far ? [...local.plans, ...far.plans] : local.plans;
    for (const pl of plans) this.addColumn(this.dw[pl.block], pl.primary, pl.secondary, pl.on, pl.callCost);
    const bound = this.coupling.boundTerm(dual) + this.separable.lagrangian(dual, this.coupling) + local.bound + (far?.bound ?? 0);
    return { bound, added: plans.length, exact: local.exact && (far?.exact ?? true) };
  }

  solve(): ColgenResult {
    const { options, stats, coupling, master } = this;
    const relGap = options.relGap ?? DEFAULT_REL_GAP;
    const alpha = options.smoothing ?? DEFAULT_SMOOTHING;
    const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
    let lowerBound = -Infinity;
    let center: Float64Array | undefined;
    let optimal = false;
    if (options.seedDuals) {
      const seed = options.seedDuals.slice();
      coupling.sanitize(seed);
      lowerBound = this.priceAll(seed, seed, -Infinity).bound;
      center = seed;
    }
    let masterOptimal = this.solveMaster();
    while (masterOptimal && stats.rounds < maxRounds && !this.outOfTime()) {
      stats.rounds++;
      const out = master.pi.slice();
      coupling.sanitize(out);
      const upperBound = master.objective();
      const tol = 1e-9 * Math.max(1, Math.abs(upperBound));
      let dual = out;
      if (center && alpha > 0) {
        dual = out.slice();
        for (let r = 0; r < center.length; r++) dual[r] = alpha * center[r] + (1 - alpha) * out[r];
        coupling.sanitize(dual);
      }
      const t0 = this.now();
      // Blocks priced by row generation may stop early while the master is far from its optimum (their plans are
      // feasible columns, their bounds valid); near it they are priced exactly, and only exact rounds may end the loop.
      const budget = upperBound - lowerBound > EARLY_GAP * Math.max(1, Math.abs(upperBound)) ? EARLY_BUDGET : undefined;
      let priced = this.priceAll(dual, out, tol, budget);
      if (priced.bound > lowerBound) (lowerBound = priced.bound), (center = dual);
      if (priced.added === 0 && dual !== out) {
        stats.mispricings++;
        priced = this.priceAll(out, out, tol);
        if (priced.bound > lowerBound) (lowerBound = priced.bound), (center = out);
      }
      if (priced.added === 0 && !priced.exact) priced = this.priceAll(out, out, tol);
      stats.oracleMs += this.now() - t0;
      if ((priced.added === 0 && priced.exact) || upperBound - lowerBound <= relGap * Math.max(1, Math.abs(upperBound))) {
        optimal = true;
        break;
      }
      master.retireIdle(RETIRE_AFTER_ROUNDS);
      masterOptimal = this.solveMaster();
    }
    return this.result(optimal && masterOptimal, lowerBound, !(optimal && masterOptimal) && this.outOfTime());
  }

  private outOfTime(): boolean {
    return this.options.stopAt !== undefined && this.now() >= this.options.stopAt;
  }

  private solveMaster(): boolean {
    const t0 = this.now();
    const r = this.master.solve(undefined, this.options.stopAt !== undefined ? () => this.outOfTime() : undefined);
    this.stats.masterMs += this.now() - t0;
    this.stats.masterIterations += r.iterations;
    return r.optimal;
  }

  private plansOf(resource: number): SeedPlan[] {
    const d = this.dw.find((b) => b.block.resource === resource);
    if (!d) return [];
    return d.cols.map((c, k) => {
      const primary = d.primaries[k];
      let cost = 0;
      for (let t = 0; t < this.n; t++) cost += d.block.unitCost[t] * primary[t];
      const secondary = d.secondaries[k];
      const on = d.ons[k];
      return { primary, ...(secondary ? { secondary } : {}), ...(on ? { on } : {}), callCost: this.master.cols.cost[c] - cost };
    });
  }

  private result(optimal: boolean, lowerBound: number, timedOut: boolean): ColgenResult {
    const { p, n, coupling, master } = this;
    master.refactor();
    const x = master.x;
    const primary = p.resources.map(() => new Float64Array(n));
    const secondary: (Float64Array | undefined)[] = p.resources.map(() => undefined);
    const on: (Float64Array | undefined)[] = p.resources.map(() => undefined);
    for (const d of this.dw) {
      const i = d.block.resource;
      const sec = d.block.hi2 ? (secondary[i] = new Float64Array(n)) : undefined;
      const mixOn = d.block.calls ? (on[i] = new Float64Array(n)) : undefined;
      d.cols.forEach((c, k) => {
        const w = x[c];
        if (!(w > 0)) return;
        const pr = d.primaries[k];
        const se = d.secondaries[k];
        const o = d.ons[k];
        for (let t = 0; t < n; t++) {
          primary[i][t] += w * pr[t];
          if (sec && se) sec[t] += w * se[t];
          if (mixOn && o) mixOn[t] += w * o[t];
        }
      });
    }
    // a mix of plans may charge and discharge a storage in one interval; netting never costs more
    let saved = 0;
    for (const d of this.dw) {
      const blk = d.block;
      const sec = secondary[blk.resource];
      if (!blk.storage || !sec) continue;
      const pr = primary[blk.resource];
      for (let t = 0; t < n; t++) saved += blk.unitCost[t] * pr[t];
      netSimultaneous(blk.storage, pr, sec);
      for (let t = 0; t < n; t++) saved -= blk.unitCost[t] * pr[t];
    }
    this.separable.read(x, primary);
    const shortfall = new Float64Array(n);
    const targetDual = new Float64Array(n);
    let k = 0;
    coupling.targetRow.forEach((r, t) => {
      if (r < 0) return;
      shortfall[t] = x[this.shortfallCol[k++]];
      targetDual[t] = master.pi[r];
    });
    const feederShortfall = coupling.capRow.map((rows) => (rows ? Float64Array.from(rows, () => x[this.shortfallCol[k++]]) : undefined));
    const feederCapDual = coupling.capRow.map((rows) => (rows ? Float64Array.from(rows, (r) => master.pi[r]) : undefined));
    const net = this.blocks.map((blk, i) => netOf(blk, primary[i], secondary[i], new Float64Array(n)));
    const state = this.blocks.map((blk, i) => (blk.storage && secondary[i] ? stateOf(blk.storage, primary[i], secondary[i]!, new Float64Array(n)) : undefined));
    return { optimal, timedOut, objective: master.objective() - saved, lowerBound, primary, secondary, net, state, on, shortfall, feederShortfall, targetDual, feederCapDual, duals: master.pi.slice(), plans: (i) => this.plansOf(i), stats: { ...this.stats } };
  }
}

/**
 * The block's plan at its primary lower bounds (zero but for the minimum depths of fixed calls). It keeps every rule
 * of the block: a ramp is at least the minimum depth of a resource that can be called (validation), and the
 * convexity set's other columns may then mix with it without leaving the block's polytope.
 */
function floorPlan(blk: Block, zero: Float64Array): Float64Array {
  return blk.lo.some((v) => v > 0) ? blk.lo : zero;
}

/** Every resource's block, with the primary bounds the options replace. */
function blocksOf(p: DispatchProblem, options: Pick<ColgenOptions, 'primaryLo' | 'primaryHi'>): Block[] {
  return p.resources.map((_, i) => blockOf(p, i, options.primaryLo?.[i], options.primaryHi?.[i]));
}

/**
 * Column generation seeded by a coarse solve: `coarseFactor` intervals merged into one give a problem that solves
 * in a fraction of the time, and its prices, spread back over the intervals, start the full solve near its optimum
 * (on the synthetic 200 × 96 LP: master iterations 8.8k → 1.5-2k).
 */
export function solveByColumnGeneration(p: DispatchProblem, options: ColgenOptions & { readonly coarseFactor?: number; readonly threads?: number; readonly pricingThread?: PricingThread } = {}): ColgenResult & { readonly coarseRounds: number; readonly threads: number } {
  const factor = options.coarseFactor ?? 0;
  // The second thread starts first: it builds its blocks while this one solves the coarse problem.
  let remote: ColgenOptions['remote'];
  const blocks = blocksOf(p, options);
  const priced = (options.threads ?? 1) > 1 ? pricedBlocks(blocks, isSeparable) : [];
  // a thread costs tens of milliseconds to start: worth it only where pricing takes longer
  if (priced.length >= MIN_BLOCKS_FOR_THREAD) {
    const ids = splitBlocks(priced, (b) => (b.storage ? 3 : 1) * (b.ramp !== undefined || (b.windows.length > 0 && b.runLimit === undefined) ? 4 : 1))[1];
    const pricer = RemotePricer.start(options.pricingThread, p, ids, ids.map((k) => priced[k].resource), { primaryLo: options.primaryLo, primaryHi: options.primaryHi });
    if (pricer) remote = { pricer, ids };
  }
  if (factor > 1 && !options.seedDuals && p.hours.length >= 4 * factor) {
    const coarse = new Colgen(coarsen(p, factor), { ...options, remote: undefined, smoothing: 0, relGap: COARSE_REL_GAP });
    const c = coarse.solve();
    const seedDuals = refineDuals(coarse.master.pi, coarse.coupling, new Coupling(p), p, factor);
    const fine = new Colgen(p, { ...options, blocks, remote, seedDuals }).solve();
    const add = (k: 'masterMs' | 'oracleMs' | 'masterIterations') => fine.stats[k] + c.stats[k];
    return { ...fine, coarseRounds: c.stats.rounds, threads: remote ? 2 : 1, stats: { ...fine.stats, masterMs: add('masterMs'), oracleMs: add('oracleMs'), masterIterations: add('masterIterations') } };
  }
  return { ...new Colgen(p, { ...options, blocks, remote }).solve(), coarseRounds: 0, threads: remote ? 2 : 1 };
}
