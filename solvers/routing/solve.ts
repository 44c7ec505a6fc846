// The VRP metaheuristic: savings, local search, SISR ruin-and-recreate under simulated annealing, set-partitioning
// recombination; time windows are searched with penalised time warp and only solutions that keep them are returned.
import { inputError } from '../../src/errors.js';
import { routeCost, type CvrpInstance } from './instance.js';
import { localSearch } from './local-search.js';
import { nearestNeighbours } from './neighbours.js';
import { PenaltyManager } from './penalty-manager.js';
import { Rng } from './rng.js';
import { DEFAULT_SISR, recreate, ruin, ruinRoute } from './ruin-recreate.js';
import { savingsConstruction } from './savings.js';
import { recombine, RoutePool, type PooledRoute } from './set-partition.js';
import { RouteState } from './state.js';
import { routeTimeWarp } from './time-warp.js';

export interface SolveOptions {
  /** Wall-clock budget; the search stops at the first check after it. */
  readonly timeLimitMs: number;
  readonly seed?: number;
  /** Monotonic clock in milliseconds, supplied by the caller so the core reads no clock itself. */
  readonly now: () => number;
  /** Stops after this many ruin-and-recreate iterations (runs then depend on the seed only). */
  readonly maxIterations?: number;
}

export interface SolveResult {
  readonly routes: number[][];
  /** Vehicle type (index into the instance's vehicleTypes) driving each route. */
  readonly vehicleTypes: number[];
  /** The objective: total distance, or with a mixed fleet Σ (fixed cost + unit distance cost × distance) over the routes. */
  readonly cost: number;
  /** Total distance of the routes. */
  readonly distance: number;
  /** False only when no solution within the vehicle limit was found (the routes then use more vehicles than allowed). */
  readonly feasible: boolean;
  readonly stats: {
    iterations: number;
    cycles: number;
    recombinations: number;
    improvedByRecombination: number;
    recombinationMs: number;
    elapsedMs: number;
    /** Cost per unit of time warp at the end of the search (time windows only). */
    warpPenalty: number;
  };
}

const GRANULARITY = 20;
/**
 * One annealing over the whole run, its temperature falling exponentially from `start` to `end` as the budget (or the
 * iteration cap) is used, as SISR does over its iterations; tying it to the clock makes the last seconds of any limit
 * the cold, improving ones. Temperatures are fractions of the mean edge of the first solution, so the schedule is
 * scale-free. Time windows use it too: on the every-other Solomon instances at 150,000 iterations it came 0.29 %
 * above PyVRP where the cooler 0.1 → 0.002 came 0.70 % and 0.3 → 0.005 came 0.42 % (seed 1).
 */
const ANNEALING = { start: 1, end: 0.01 } as const;
/** Set-partitioning recombination of the routes met (`set-partition.ts`). */
const RECOMBINATION = {
  /** The pool is recombined at each of these fractions of the run (and once more at its end). */
  at: [0.2, 0.4, 0.6, 0.8],
  /** Every this many iterations the current solution's routes join the pool, when within `nearBest` of the best. */
  sampleEvery: 50,
  nearBest: 0.01,
  /** Routes the MIP is given at most (`trimPool`). */
  poolMax: 4000,
  /** The MIP's time budget, and its floor when the deadline is nearer. */
  timeoutMs: 1000,
  minTimeoutMs: 100,
} as const;
/** A penalty no time warp can pay for: local search with it keeps every window. */
const FEASIBLE_ONLY = 1e9;
const WARP_EPS = 1e-9;
const EXTRA_ROUTE_EDGES = 100;
/**
 * Share of time-window iterations that also empty a route (`ruinRoute`). On the every-other Solomon instances at
 * 150,000 iterations, seeds 1 and 2: 0.29 % and -0.02 % from PyVRP without it, 0.17 % and 0.13 % with 0.02, 0.07 % and
 * 0.03 % with 0.05 (seed 1 alone kept a fourth route on C204, 4.95 % longer, until routes could be emptied).
 */
const ROUTE_ELIMINATION = 0.05;

export async function solveCvrp(inst: CvrpInstance, opts: SolveOptions): Promise<SolveResult> {
  const start = opts.now();
  const deadline = start + opts.timeLimitMs;
  const maxIterations = opts.maxIterations ?? Infinity;
  assertSolvable(inst);
  if (inst.n === 0)
    return {
      routes: [],
      vehicleTypes: [],
      cost: 0,
      distance: 0,
      feasible: true,
      stats: {
        iterations: 0,
        cycles: 0,
        recombinations: 0,
        improvedByRecombination: 0,
        recombinationMs: 0,
        elapsedMs: 0,
        warpPenalty: 0,
      },
    };
  const rng = new Rng(opts.seed ?? 1);
  const nb = nearestNeighbours(inst, 50);
  const timed = inst.hasTimeWindows;
  const excess = (s: RouteState): number => s.excessVehicles();
  /** Lexicographic: fewer vehicles over the limit first, then shorter. Only solutions that keep every window compete. */
  const beats = (a: RouteState, b: RouteState): boolean =>
    a.totalTimeWarp() <= WARP_EPS && (excess(a) < excess(b) || (excess(a) === excess(b) && a.cost < b.cost - 1e-9));

  let best = new RouteState(inst, savingsConstruction(inst, nb));
  localSearch(best, nb, rng, GRANULARITY, FEASIBLE_ONLY);
  let pool = new RoutePool();
  const types = inst.vehicleTypes;
  // With a mixed fleet each route enters the pool once per type that can carry it, so the MIP chooses the mix.
  const remember = (s: RouteState): void => {
    for (let r = 0; r < s.routes.length; r++) {
      if (s.timeWarp[r] > WARP_EPS) continue;
      if (!inst.mixedFleet) pool.add(s.routes[r], s.travel[r]);
      else
        types.forEach((t, k) => {
          if (t.capacity + 1e-9 >= s.load[r]) pool.add(s.routes[r], t.fixedCost + t.unitDistanceCost * s.travel[r], k);
        });
    }
  };
  remember(best);
  // The temperature scale is the distance part of the cost per edge (fixed costs do not change with an edge).
  let fixedPart = 0;
  for (const k of best.vtype) fixedPart += types[k].fixedCost;
  const meanEdge = Math.max(best.cost - fixedPart, 1e-9) / (inst.n + best.routes.length);
  const penalty = new PenaltyManager();
  // A route beyond the fleet costs as much as many edges, so the annealing gives routes up until the fleet suffices.
  const extraRoute = EXTRA_ROUTE_EDGES * meanEdge;
  let cur = best.clone();
  let spare: RouteState | null = null;
  let iterations = 0;
  let cycles = 0;
  let recombinations = 0;
  let improvedByRecombination = 0;
  let recombinationMs = 0;
  const budgetMs = Math.max(deadline - opts.now(), 1e-6);
  const loopStart = opts.now();
  // The share of the run done: the larger of the iterations against their cap and the time against the budget.
  let progress = 0;
  let nextRecombination = 0;
  const t0 = ANNEALING.start * meanEdge;
  const ratio = ANNEALING.end / ANNEALING.start;
  let temp = t0;

  const recombineAndRestart = async (): Promise<void> => {
    if (pool.size > best.routes.length) {
      recombinations++;
      // The MIP may outlast the deadline by at most its floor, so a short budget still gets one recombination.
      const timeout = Math.max(RECOMBINATION.minTimeoutMs, Math.min(RECOMBINATION.timeoutMs, deadline - opts.now()));
      const mipStart = opts.now();
      const chosen = await recombine(
        trimPool(pool, RECOMBINATION.poolMax, best),
        inst.n,
        best.routes,
        timeout,
        types.map((t) => t.count),
      );
      recombinationMs += opts.now() - mipStart;
      if (chosen) {
        const s = new RouteState(inst, chosen.routes, chosen.types);
        localSearch(s, nb, rng, GRANULARITY, FEASIBLE_ONLY);
        if (beats(s, best)) {
          best = s;
          improvedByRecombination++;
        }
      }
    }
    cycles++;
    pool = new RoutePool();
    remember(best);
    cur = best.clone();
  };

  for (;;) {
    if ((iterations & 15) === 0) {
      progress = Math.max(iterations / maxIterations, (opts.now() - loopStart) / budgetMs);
      temp = t0 * Math.pow(ratio, Math.min(progress, 1));
    }
    if (progress >= 1 || iterations >= maxIterations) break;
    if (nextRecombination < RECOMBINATION.at.length && progress >= RECOMBINATION.at[nextRecombination]) {
      nextRecombination++;
      await recombineAndRestart();
    }
    iterations++;
    // The candidate reuses the arrays of the state the last iteration left behind (rejected, or replaced by it).
    const cand: RouteState = spare ? spare.copyFrom(cur) : cur.clone();
    spare = null;
    // With time windows some iterations also empty a small route and may not open one in its place.
    const emptied = timed && rng.next() < ROUTE_ELIMINATION ? ruinRoute(cand, rng) : null;
    const removed = ruin(cand, nb, rng, DEFAULT_SISR);
    if (emptied) for (const c of emptied) removed.push(c);
    const newRoute = emptied ? Infinity : 0;
    recreate(cand, removed, rng, DEFAULT_SISR, { warp: penalty.warp, extraRoute, newRoute }, nb);
    if (timed) penalty.register(cand.totalTimeWarp() <= WARP_EPS);
    // Local search polishes new bests only (as in SISR); late candidates travel on through the annealing.
    if (cand.cost < best.cost - 1e-9 && cand.totalTimeWarp() <= WARP_EPS) {
      // Only moves touching the routes this iteration changed are tried at first (then wherever moves change routes):
      // a full search of a thousand customers per new best cost more than the iterations it saved.
      localSearch(cand, nb, rng, GRANULARITY, FEASIBLE_ONLY, cand.changedRoutes());
      if (beats(cand, best)) {
        best = cand.clone();
        remember(best);
      }
    }
    const penalties = { warp: penalty.warp, extraRoute };
    if (cand.penalisedCost(penalties) < cur.penalisedCost(penalties) - temp * Math.log(rng.next() + 1e-300)) {
      spare = cur;
      cur = cand;
      if (iterations % RECOMBINATION.sampleEvery === 0 && cur.cost <= best.cost * (1 + RECOMBINATION.nearBest))
        remember(cur);
    } else spare = cand;
  }
  await recombineAndRestart();
  const kept = best.routes.map((r, i) => i).filter((i) => best.routes[i].length > 0);
  const routes = kept.map((i) => best.routes[i].slice());
  const vehicleTypes = kept.map((i) => best.vtype[i]);
  let cost = 0;
  let distance = 0;
  routes.forEach((r, i) => {
    const d = routeCost(inst, r);
    const t = types[vehicleTypes[i]];
    distance += d;
    cost += inst.mixedFleet ? t.fixedCost + t.unitDistanceCost * d : d;
  });
  return {
    routes,
    vehicleTypes,
    cost,
    distance,
    feasible: excess(best) === 0 && best.totalTimeWarp() <= WARP_EPS,
    stats: {
      iterations,
      cycles,
      recombinations,
      improvedByRecombination,
      recombinationMs,
      elapsedMs: opts.now() - start,
      warpPenalty: timed ? penalty.warp : 0,
    },
  };
}

/** Keeps the routes that are cheapest per customer served, plus the incumbent's, so the MIP stays small and starts feasible. */
function trimPool(pool: RoutePool, max: number, incumbent: RouteState): PooledRoute[] {
  const all = pool.routes();
  if (all.length <= max) return all;
  const kept = all.sort((a, b) => a.cost / a.route.length - b.cost / b.route.length).slice(0, max);
  const small = new RoutePool();
  for (const p of kept) small.add(p.route, p.cost, p.type);
  for (let r = 0; r < incumbent.routes.length; r++)
    small.add(incumbent.routes[r], incumbent.objective[r], incumbent.vtype[r]);
  return small.routes();
}

/** Rejects instances no solution can satisfy: a demand above capacity or a customer out of reach in one trip or in its window. */
function assertSolvable(inst: CvrpInstance): void {
  const size = inst.n + 1;
  for (let c = 1; c <= inst.n; c++) {
    if (inst.demand[c] > inst.capacity) {
      throw inputError(`customer ${c} has demand ${inst.demand[c]}, above the vehicle capacity ${inst.capacity}`, {
        customer: c,
      });
    }
    if (inst.demand[c] < 0) throw inputError(`customer ${c} has a negative demand ${inst.demand[c]}`, { customer: c });
    const alone = inst.dist[c] + inst.dist[c * size] + inst.service[c];
    if (alone > inst.maxDuration) {
      throw inputError(
        `customer ${c} cannot be served within the route limit ${inst.maxDuration} (an out-and-back trip takes ${alone})`,
        { customer: c },
      );
    }
    if (inst.readyTime[c] > inst.dueTime[c])
      throw inputError(
        `customer ${c} has a time window that closes (${inst.dueTime[c]}) before it opens (${inst.readyTime[c]})`,
        { customer: c },
      );
    if (inst.hasTimeWindows && routeTimeWarp(inst, [c]) > 0) {
      throw inputError(
        `customer ${c} cannot be served within its time window [${inst.readyTime[c]}, ${inst.dueTime[c]}] on a trip from the depot and back before it closes at ${inst.dueTime[0]}`,
        { customer: c },
      );
    }
  }
}
