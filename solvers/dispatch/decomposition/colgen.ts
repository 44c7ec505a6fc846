// Dantzig-Wolfe column generation for the dispatch LP: exact block best responses priced against one warm master.
import type { DispatchProblem } from '../problem.js';
import { blockOf, netOf, netSimultaneous, stateOf, type Block } from './block.js';
import { coarsen, refineDuals, refineHeldRows } from './coarse.js';
import { Coupling, type EntrySink } from './coupling.js';
import { GubSimplex } from './gub-simplex.js';
import { DecompositionNumericalError } from './numerical-error.js';
import { MasterRows } from './master-rows.js';
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
  /**
   * Feeder cap and limit rows (1 by coupling row) the master holds from the start; the others join once a plan
   * breaks them. Target rows are always held.
   */
  readonly heldRows?: Uint8Array;
  /** Master rows from which its working basis is a sparse LU (GubSimplex's default when absent; tests give 0). */
  readonly masterSparseFrom?: number;
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
  /** Pricing calls whose new plans were more than a round adds (ROUND_COLUMN_SHARE), so only the best were added. */
  cappedRounds: number;
  /** Coupling rows the master held at the end, of all coupling rows. */
  masterRows: number;
  couplingRows: number;
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
  /** The coupling rows the master held at the end (1 by coupling row; to seed a related solve). */
  readonly heldRows: Uint8Array;
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
interface PlanSet {
  readonly block: Block;
  /** The master's convexity set of the plans. */
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
/**
 * While a round's new plans are capped (ROUND_COLUMN_SHARE) the rounds are more, and more of them would come below
 * EARLY_GAP: exact rounds cost 6-12 times a budgeted one at 1000 × 96 on 25 feeders (250-580 ms against 40 ms on one
 * thread), so the solve took 11.5 s with the cap at 1e-3 and 7.3 s at this gap. Only exact rounds may end the loop, so
 * the plan is as optimal either way.
 */
const EARLY_GAP_CAPPED = 1e-5;
/**
 * A round adds at most this share of the priced blocks' new plans (those with the most negative reduced cost), and at
 * least MIN_ROUND_COLUMNS, on requests with feeder rows: there the master holds hundreds of rows and pays for every
 * column it is given (about ten pivots each, mostly re-entering older plans, at 100-200 µs each), while a round of
 * budgeted pricing costs less than a tenth of a master solve. At 1000 × 96 on 25 feeders (829 priced blocks, about 350
 * new plans a round) the cap cut master iterations from 63.6k to 46-47k and the solve from 9.2-9.6 s to 7.3 s (one
 * pricing thread). On target rows only (m ≈ 100, pivots of a few µs) pricing is most of the time and the cap only adds
 * rounds: the benchmark's target-only 1000 × 96 LP went from 1.5-1.7 s to 2.3 s with it (56 rounds instead of 32).
 * The coarse solve of a feeder request is capped too (46.1k master iterations in all against 49.6k without).
 * Blocks with call decisions keep every plan: their call-pattern pricing costs as much as the master (200 × 96 MIP on
 * 6 feeders: 294 rounds and 39 s with the cap on the bound's blocks).
 */
const ROUND_COLUMN_SHARE = 0.12;
const MIN_ROUND_COLUMNS = 20;
/**
 * The second thread's share of the pricing weight. It was 0.45 while the second thread sent its plans by transfer:
 * that detached their buffers, after which V8 checked every typed array access of that thread again and its half took
 * 15-20 % longer. Plans are copied now; timed per round at 1000 × 96 on 25 feeders (three solves each, two runs),
 * even halves priced in 729-779 ms with the master's thread waiting 21-72 ms for the second, against 815-857 ms and
 * the master's thread pricing 740-764 ms itself at 0.45.
 */
const REMOTE_SHARE = 0.5;
/** Priced blocks from which a second pricing thread pays for its start. */
const MIN_BLOCKS_FOR_THREAD = 64;
/** The coarse solve only needs approximate prices. */
const COARSE_REL_GAP = 1e-4;
/** Relative tolerance on a row's bound beyond which a plan breaks a row the master does not hold. */
const ROW_TOL = 1e-9;
/**
 * An artificial column per held reduction-limit row lets the master start feasible when it takes a row its plan
 * breaks (that row has no shortfall column); its cost per kW, a multiple of all shortfall penalties together, drives
 * it out. If one is still used at the optimum its cost grows by ARTIFICIAL_GROWTH, at most ARTIFICIAL_RAISES times.
 */
const ARTIFICIAL_COST_FACTOR = 10;
const ARTIFICIAL_GROWTH = 100;
const ARTIFICIAL_RAISES = 4;
/** An artificial column above this is in use. */
const FEAS_TOL_ARTIFICIAL = 1e-9;

export class Colgen {
  readonly coupling: Coupling;
  readonly master: GubSimplex;
  readonly rows: MasterRows;
  private readonly planSets: PlanSet[] = [];
  private readonly separable: SeparableColumns;
  /** Master column of each shortfall (coupling.shortfallRow order), -1 while its row is not held. */
  private readonly shortfallCol: number[] = [];
  /** Shortfall index of each coupling row, -1 for rows without one. */
  private readonly shortfallOf: Int32Array;
  /** Artificial columns of the held reduction-limit rows. */
  private readonly artificialCol: number[] = [];
  private artificialCost: number;
  /** The last master plan that keeps every coupling row (what a stop by the budget falls back to). */
  private feasibleX: Float64Array | undefined;
  private readonly sink: EntrySink;
  private readonly n: number;
  private readonly stats: ColgenStats;
  private readonly net: Float64Array;
  private readonly local: BlockPricer;
  private readonly blocks: readonly Block[];
  /** New plans a round adds at most (ROUND_COLUMN_SHARE): unlimited without feeder rows or with call decisions. */
  private readonly roundColumns: number;

  constructor(
    private readonly p: DispatchProblem,
    private readonly options: ColgenOptions = {},
  ) {
    const n = (this.n = p.hours.length);
    this.net = new Float64Array(n);
    const coupling = (this.coupling = new Coupling(p));
    const isTarget = new Uint8Array(coupling.numRows);
    for (const r of coupling.targetRow) if (r >= 0) isTarget[r] = 1;
    const rows = (this.rows = new MasterRows(coupling, (r) => isTarget[r] === 1 || options.heldRows?.[r] === 1));
    const master = (this.master = new GubSimplex(rows.lower(), rows.upper(), options.masterSparseFrom));
    this.sink = rows.sink(master);
    this.stats = {
      rounds: 0,
      columns: 0,
      masterIterations: 0,
      masterMs: 0,
      oracleMs: 0,
      mispricings: 0,
      cappedRounds: 0,
      masterRows: rows.held,
      couplingRows: coupling.numRows,
    };
    this.shortfallOf = new Int32Array(coupling.numRows).fill(-1);
    coupling.shortfallRow.forEach((r, k) => (this.shortfallOf[r] = k));
    this.artificialCost = ARTIFICIAL_COST_FACTOR * coupling.shortfallCost.reduce((a, b) => a + b, 0) + 1;
    coupling.shortfallRow.forEach(() => this.shortfallCol.push(-1));
    for (const r of rows.couplingRow) this.addRowColumns(r);
    const blocks = options.blocks ?? blocksOf(p, options);
    const active = blocks.filter((b) => b.primaryHi.some((v) => v > 0) || (b.secondaryHi ?? []).some((v) => v > 0));
    this.separable = new SeparableColumns(active.filter(isSeparable));
    this.separable.addTo(master, coupling, this.sink);
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
      const d: PlanSet = { block: blk, set: master.addSet(), cols: [], primaries: [], secondaries: [], ons: [] };
      this.planSets.push(d);
      // Each set's first column (its key) is the resource's plan at its lower bounds: calling nothing, or under fixed
      // calls each called interval at its minimum depth. Any plan below that (the zero plan of a called load) would
      // mix into setpoints under the minimum depth.
      this.addColumn(d, floorPlan(blk, zero), blk.secondaryHi ? zero : undefined, blk.calls ? zero : undefined, 0);
      for (const s of options.seedPlans?.(blk.resource) ?? [])
        this.addColumn(d, s.primary, s.secondary, s.on, s.callCost);
    }
    master.crash();
    this.keepIfFeasible();
    const feederRows = coupling.capRow.some((r) => r !== undefined) || coupling.maxRow.some((r) => r !== undefined);
    this.roundColumns =
      !feederRows || this.planSets.some((d) => d.block.calls)
        ? Infinity
        : Math.max(MIN_ROUND_COLUMNS, Math.ceil(ROUND_COLUMN_SHARE * this.planSets.length));
  }

  /** The unit columns of a coupling row the master has just taken: its shortfall, or a limit row's artificial. */
  private addRowColumns(r: number): void {
    const { master, coupling } = this;
    const k = this.shortfallOf[r];
    const mr = this.rows.masterRow[r];
    if (k >= 0) {
      this.shortfallCol[k] = master.addColumn(coupling.shortfallCost[k], 0, Infinity, -1);
      master.cols.entry(mr, 1);
    } else if (coupling.rowLower[r] === -Infinity) {
      this.artificialCol.push(master.addColumn(this.artificialCost, 0, Infinity, -1));
      master.cols.entry(mr, -1);
    }
  }

  /** Takes coupling rows into the master and restores a feasible basis (shortfall or artificial columns basic). */
  private take(rows: number[]): void {
    this.rows.take(this.master, rows);
    for (const r of rows) this.addRowColumns(r);
    this.master.crash();
    this.stats.masterRows = this.rows.held;
  }

  private artificialUsed(x: Float64Array): boolean {
    return this.artificialCol.some((j) => x[j] > FEAS_TOL_ARTIFICIAL);
  }

  /** Keeps the master's plan as the fallback of a stop by the budget when it breaks no row. */
  private keepIfFeasible(): void {
    const { master } = this;
    if (this.artificialUsed(master.x)) return;
    if (this.rows.violated(master.x, master.cols.count, ROW_TOL).some((r) => this.shortfallOf[r] < 0)) return;
    this.feasibleX = master.x.slice(0, master.cols.count);
  }

  private addColumn(
    d: PlanSet,
    primary: Float64Array,
    secondary: Float64Array | undefined,
    on: Float64Array | undefined,
    callCost: number,
  ): void {
    const blk = d.block;
    let cost = callCost;
    for (let t = 0; t < this.n; t++) cost += blk.unitCost[t] * primary[t];
    d.cols.push(this.master.addColumn(cost, 0, Infinity, d.set));
    this.coupling.addNet(this.sink, blk.feeder, netOf(blk, primary, secondary, this.net));
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
  private priceAll(
    dual: Float64Array,
    out: Float64Array,
    tol: number,
    budget?: number,
  ): { bound: number; added: number; exact: boolean } {
    const { master } = this;
    const remote = this.options.remote?.pricer;
    if (remote) {
      const setDual = Float64Array.from(this.planSets, (d) => master.setDual(d.set));
      remote.send({
        dual,
        ...(dual !== out ? { out } : {}),
        setDual,
        tol,
        ...(budget !== undefined ? { budget } : {}),
      });
    }
    const local = this.local.price(dual, out, (id) => master.setDual(this.planSets[id].set), tol, budget);
    // before waiting for the second thread, which usually takes longer than this one
    const masterTerms = this.coupling.boundTerm(dual) + this.separable.lagrangian(dual, this.coupling);
    const far = remote?.receive();
    // in block order, as one thread gives them: the master's path does not depend on how the blocks are split
    const plans = this.mostNegative(
      far ? [...local.plans, ...far.plans].sort((x, y) => x.block - y.block) : local.plans,
    );
    for (const pl of plans) this.addColumn(this.planSets[pl.block], pl.primary, pl.secondary, pl.on, pl.callCost);
    const bound = masterTerms + local.bound + (far?.bound ?? 0);
    return { bound, added: plans.length, exact: local.exact && (far?.exact ?? true) };
  }

  /**
   * The plans a round adds (given in block order): at most `roundColumns`, those with the most negative reduced cost,
   * most negative first (ties to the lower block).
   */
  private mostNegative(plans: PricedPlan[]): PricedPlan[] {
    if (!this.capped() || plans.length <= this.roundColumns) return plans;
    this.stats.cappedRounds++;
    return plans
      .slice()
      .sort((x, y) => x.reducedCost - y.reducedCost || x.block - y.block)
      .slice(0, this.roundColumns);
  }

  /** Whether rounds add at most `roundColumns` new plans (see ROUND_COLUMN_SHARE). */
  private capped(): boolean {
    return this.roundColumns < Infinity;
  }

  solve(): ColgenResult {
    const { options, stats, coupling, master } = this;
    const relGap = options.relGap ?? DEFAULT_REL_GAP;
    const alpha = options.smoothing ?? DEFAULT_SMOOTHING;
    const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
    let lowerBound = -Infinity;
    let center: Float64Array | undefined;
    let optimal = false;
    if (options.seedDuals && !this.outOfTime()) {
      const seed = options.seedDuals.slice();
      coupling.sanitize(seed);
      // Row-generation blocks get the early rounds' budget here too: priced exactly at a MIP relaxation's duals under
      // fixed calls they ran for minutes (200 x 96 on 6 feeders), outside the time checks. Their bound stays valid.
      const t0 = this.now();
      lowerBound = this.priceAll(seed, seed, -Infinity, EARLY_BUDGET).bound;
      stats.oracleMs += this.now() - t0;
      center = seed;
    }
    let masterOptimal = this.solveMaster();
    let raises = 0;
    while (masterOptimal && stats.rounds < maxRounds && !this.outOfTime()) {
      stats.rounds++;
      const out = this.rows.toCoupling(master.pi);
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
      const earlyGap = this.capped() ? EARLY_GAP_CAPPED : EARLY_GAP;
      const budget = upperBound - lowerBound > earlyGap * Math.max(1, Math.abs(upperBound)) ? EARLY_BUDGET : undefined;
      let priced = this.priceAll(dual, out, tol, budget);
      if (priced.bound > lowerBound) ((lowerBound = priced.bound), (center = dual));
      if (priced.added === 0 && dual !== out) {
        stats.mispricings++;
        priced = this.priceAll(out, out, tol);
        if (priced.bound > lowerBound) ((lowerBound = priced.bound), (center = out));
      }
      if (priced.added === 0 && !priced.exact) priced = this.priceAll(out, out, tol);
      stats.oracleMs += this.now() - t0;
      if (
        (priced.added === 0 && priced.exact) ||
        upperBound - lowerBound <= relGap * Math.max(1, Math.abs(upperBound))
      ) {
        if (!this.artificialUsed(master.x)) {
          optimal = true;
          break;
        }
        // the limit rows' artificial columns priced too low to leave: raise their cost and go on
        if (++raises > ARTIFICIAL_RAISES)
          throw new DecompositionNumericalError(
            'infeasible-master',
            'feeder reduction limits cannot be met by the master',
          );
        this.artificialCost *= ARTIFICIAL_GROWTH;
        for (const j of this.artificialCol) master.setCost(j, this.artificialCost);
        master.refactor();
        center = undefined;
      }
      master.retireIdle(RETIRE_AFTER_ROUNDS);
      masterOptimal = this.solveMaster();
    }
    return this.result(optimal && masterOptimal, lowerBound, !(optimal && masterOptimal) && this.outOfTime());
  }

  private outOfTime(): boolean {
    return this.options.stopAt !== undefined && this.now() >= this.options.stopAt;
  }

  /**
   * Solves the master to optimality over the rows it holds, then takes the rows its plan breaks and solves again,
   * until its plan keeps every coupling row. False if the budget stopped it first.
   */
  private solveMaster(): boolean {
    const t0 = this.now();
    const stop = this.options.stopAt !== undefined ? () => this.outOfTime() : undefined;
    let optimal = false;
    for (;;) {
      const r = this.master.solve(undefined, stop);
      this.stats.masterIterations += r.iterations;
      optimal = r.optimal;
      if (!optimal) break;
      const broken = this.rows.violated(this.master.x, this.master.cols.count, ROW_TOL);
      if (broken.length === 0) {
        this.keepIfFeasible();
        break;
      }
      this.take(broken);
    }
    this.stats.masterMs += this.now() - t0;
    return optimal;
  }

  private plansOf(resource: number): SeedPlan[] {
    const d = this.planSets.find((b) => b.block.resource === resource);
    if (!d) return [];
    return d.cols.map((c, k) => {
      const primary = d.primaries[k];
      let cost = 0;
      for (let t = 0; t < this.n; t++) cost += d.block.unitCost[t] * primary[t];
      const secondary = d.secondaries[k];
      const on = d.ons[k];
      return {
        primary,
        ...(secondary ? { secondary } : {}),
        ...(on ? { on } : {}),
        callCost: this.master.cols.cost[c] - cost,
      };
    });
  }

  /**
   * The plan to return: the master's, or, if the budget stopped it with a plan that breaks a reduction-limit row (held
   * by an artificial column or not held), the last one that kept every row. Null if there is none.
   */
  private finalValues(): Float64Array | undefined {
    const { master } = this;
    const count = master.cols.count;
    const x = master.x.subarray(0, count);
    const breaks = this.artificialUsed(x) || this.rows.violated(x, count, ROW_TOL).some((r) => this.shortfallOf[r] < 0);
    if (!breaks) return x;
    if (!this.feasibleX) return undefined;
    const kept = new Float64Array(count);
    kept.set(this.feasibleX);
    return kept;
  }

  private result(optimal: boolean, lowerBound: number, timedOutIn: boolean): ColgenResult {
    const { p, n, coupling, master } = this;
    master.refactor();
    const values = this.finalValues();
    // without a plan that keeps every row the solve failed (the caller solves the full model)
    const timedOut = timedOutIn && values !== undefined;
    const x = values ?? master.x;
    // rows the master does not hold: their activity gives the shortfall of a cap row the plan breaks (only after a stop)
    const activity = this.rows.activity(x, master.cols.count);
    const shortfallAt = (r: number, k: number) =>
      this.shortfallCol[k] >= 0 ? x[this.shortfallCol[k]] : Math.max(0, coupling.rowLower[r] - activity[r]);
    let objective = 0;
    for (let j = 0; j < master.cols.count; j++) if (x[j] !== 0) objective += master.cols.cost[j] * x[j];
    coupling.shortfallRow.forEach((r, k) => {
      if (this.shortfallCol[k] < 0) objective += coupling.shortfallCost[k] * shortfallAt(r, k);
    });
    const duals = this.rows.toCoupling(master.pi);
    const primary = p.resources.map(() => new Float64Array(n));
    const secondary: (Float64Array | undefined)[] = p.resources.map(() => undefined);
    const on: (Float64Array | undefined)[] = p.resources.map(() => undefined);
    for (const d of this.planSets) {
      const i = d.block.resource;
      const sec = d.block.secondaryHi ? (secondary[i] = new Float64Array(n)) : undefined;
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
    for (const d of this.planSets) {
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
    coupling.targetRow.forEach((r, t) => {
      if (r < 0) return;
      shortfall[t] = shortfallAt(r, this.shortfallOf[r]);
      targetDual[t] = duals[r];
    });
    const feederShortfall = coupling.capRow.map((rows) =>
      rows ? Float64Array.from(rows, (r) => shortfallAt(r, this.shortfallOf[r])) : undefined,
    );
    const feederCapDual = coupling.capRow.map((rows) => (rows ? Float64Array.from(rows, (r) => duals[r]) : undefined));
    const heldRows = Uint8Array.from(this.rows.masterRow, (mr) => (mr >= 0 ? 1 : 0));
    const net = this.blocks.map((blk, i) => netOf(blk, primary[i], secondary[i], new Float64Array(n)));
    const state = this.blocks.map((blk, i) =>
      blk.storage && secondary[i] ? stateOf(blk.storage, primary[i], secondary[i]!, new Float64Array(n)) : undefined,
    );
    return {
      optimal,
      timedOut,
      objective: objective - saved,
      lowerBound,
      primary,
      secondary,
      net,
      state,
      on,
      shortfall,
      feederShortfall,
      targetDual,
      feederCapDual,
      duals,
      heldRows,
      plans: (i) => this.plansOf(i),
      stats: { ...this.stats },
    };
  }
}

/**
 * The block's plan at its primary lower bounds (zero but for the minimum depths of fixed calls). It keeps every rule
 * of the block: a ramp is at least the minimum depth of a resource that can be called (validation), and the
 * convexity set's other columns may then mix with it without leaving the block's polytope.
 */
function floorPlan(blk: Block, zero: Float64Array): Float64Array {
  return blk.primaryLo.some((v) => v > 0) ? blk.primaryLo : zero;
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
export function solveByColumnGeneration(
  p: DispatchProblem,
  options: ColgenOptions & {
    readonly coarseFactor?: number;
    readonly threads?: number;
    readonly pricingThread?: PricingThread;
  } = {},
): ColgenResult & { readonly coarseRounds: number; readonly threads: number } {
  const factor = options.coarseFactor ?? 0;
  // The second thread starts first: it builds its blocks while this one solves the coarse problem.
  let remote: ColgenOptions['remote'];
  const blocks = blocksOf(p, options);
  const priced = (options.threads ?? 1) > 1 ? pricedBlocks(blocks, isSeparable) : [];
  // a thread costs tens of milliseconds to start: worth it only where pricing takes longer
  if (priced.length >= MIN_BLOCKS_FOR_THREAD) {
    const ids = splitBlocks(
      priced,
      (b) => (b.storage ? 3 : 1) * (b.ramp !== undefined || (b.windows.length > 0 && b.runLimit === undefined) ? 4 : 1),
      REMOTE_SHARE,
    )[1];
    const pricer = RemotePricer.start(
      options.pricingThread,
      p,
      ids,
      ids.map((k) => priced[k].resource),
      { primaryLo: options.primaryLo, primaryHi: options.primaryHi },
    );
    if (pricer) remote = { pricer, ids };
  }
  if (factor > 1 && !options.seedDuals && p.hours.length >= 4 * factor) {
    const coarse = new Colgen(coarsen(p, factor), {
      ...options,
      remote: undefined,
      smoothing: 0,
      relGap: COARSE_REL_GAP,
    });
    const c = coarse.solve();
    const fineCoupling = new Coupling(p);
    const seedDuals = refineDuals(c.duals, coarse.coupling, fineCoupling, p, factor);
    // a feeder row the coarse master needed is likely needed in its intervals
    const heldRows =
      options.heldRows ?? refineHeldRows(c.heldRows, coarse.coupling, fineCoupling, p.hours.length, factor);
    const fine = new Colgen(p, { ...options, blocks, remote, seedDuals, heldRows }).solve();
    const add = (k: 'masterMs' | 'oracleMs' | 'masterIterations') => fine.stats[k] + c.stats[k];
    return {
      ...fine,
      coarseRounds: c.stats.rounds,
      threads: remote ? 2 : 1,
      stats: {
        ...fine.stats,
        masterMs: add('masterMs'),
        oracleMs: add('oracleMs'),
        masterIterations: add('masterIterations'),
      },
    };
  }
  return { ...new Colgen(p, { ...options, blocks, remote }).solve(), coarseRounds: 0, threads: remote ? 2 : 1 };
}
