// The CVRP metaheuristic: savings, local search, SISR ruin-and-recreate under simulated annealing, set-partitioning recombination.
import { inputError } from '../../src/errors.js';
import { routeCost, type CvrpInstance } from './instance.js';
import { localSearch } from './localSearch.js';
import { nearestNeighbours } from './neighbours.js';
import { Rng } from './rng.js';
import { DEFAULT_SISR, recreate, ruin } from './ruinRecreate.js';
import { savingsConstruction } from './savings.js';
import { recombine, RoutePool, type PooledRoute } from './setPartition.js';
import { RouteState } from './state.js';

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
  readonly cost: number;
  readonly stats: { iterations: number; cycles: number; recombinations: number; improvedByRecombination: number; recombinationMs: number; elapsedMs: number };
}

const GRANULARITY = 20;
const FIRST_CYCLE = 20_000;
const CYCLE_GROWTH = 1.5;
/** Temperatures as fractions of the mean edge of the first solution, so the schedule is scale-free. */
const T_START = 0.1;
const T_END = 0.002;
const POOL_SAMPLE_EVERY = 50;
const POOL_NEAR_BEST = 0.01;
const POOL_MAX = 4000;
const MIP_TIMEOUT_MS = 1000;
const MIP_MIN_TIMEOUT_MS = 100;

export async function solveCvrp(inst: CvrpInstance, opts: SolveOptions): Promise<SolveResult> {
  const start = opts.now();
  const deadline = start + opts.timeLimitMs;
  const maxIterations = opts.maxIterations ?? Infinity;
  assertSolvable(inst);
  if (inst.n === 0) return { routes: [], cost: 0, stats: { iterations: 0, cycles: 0, recombinations: 0, improvedByRecombination: 0, recombinationMs: 0, elapsedMs: 0 } };
  const rng = new Rng(opts.seed ?? 1);
  const nb = nearestNeighbours(inst, 50);

  let best = new RouteState(inst, savingsConstruction(inst, nb));
  localSearch(best, nb, rng, GRANULARITY);
  let pool = new RoutePool();
  const remember = (s: RouteState): void => {
    for (let r = 0; r < s.routes.length; r++) pool.add(s.routes[r], s.travel[r]);
  };
  remember(best);
  const meanEdge = best.cost / (inst.n + best.routes.length);
  let cur = best.clone();
  let iterations = 0;
  let cycles = 0;
  let recombinations = 0;
  let improvedByRecombination = 0;
  let recombinationMs = 0;
  let cycleLength = FIRST_CYCLE;
  const outOfTime = (): boolean => iterations >= maxIterations || ((iterations & 15) === 0 && opts.now() >= deadline);

  while (!outOfTime()) {
    const t0 = T_START * meanEdge;
    const ratio = T_END / T_START;
    const length = Math.floor(cycleLength);
    for (let it = 0; it < length; it++) {
      if (outOfTime()) break;
      iterations++;
      const temp = t0 * Math.pow(ratio, it / length);
      const cand = cur.clone();
      const removed = ruin(cand, nb, rng, DEFAULT_SISR);
      recreate(cand, removed, rng, DEFAULT_SISR);
      if (cand.cost < best.cost - 1e-9) {
        localSearch(cand, nb, rng, GRANULARITY);
        best = cand.clone();
        remember(best);
      }
      if (cand.cost < cur.cost - temp * Math.log(rng.next() + 1e-300)) {
        cur = cand;
        if (iterations % POOL_SAMPLE_EVERY === 0 && cur.cost <= best.cost * (1 + POOL_NEAR_BEST)) remember(cur);
      }
    }
    cycles++;
    cycleLength *= CYCLE_GROWTH;
    if (pool.size > best.routes.length) {
      recombinations++;
      // The MIP may outlast the deadline by at most its floor, so a short budget still gets one recombination.
      const timeout = Math.max(MIP_MIN_TIMEOUT_MS, Math.min(MIP_TIMEOUT_MS, deadline - opts.now()));
      const mipStart = opts.now();
      const chosen = await recombine(trimPool(pool, POOL_MAX, best), inst.n, best.routes, timeout);
      recombinationMs += opts.now() - mipStart;
      if (chosen) {
        const s = new RouteState(inst, chosen);
        localSearch(s, nb, rng, GRANULARITY);
        if (s.cost < best.cost - 1e-9) {
          best = s;
          improvedByRecombination++;
        }
      }
    }
    pool = new RoutePool();
    remember(best);
    cur = best.clone();
  }
  const routes = best.routes.filter((r) => r.length > 0).map((r) => r.slice());
  let cost = 0;
  for (const r of routes) cost += routeCost(inst, r);
  return { routes, cost, stats: { iterations, cycles, recombinations, improvedByRecombination, recombinationMs, elapsedMs: opts.now() - start } };
}

/** Keeps the routes that are cheapest per customer served, plus the incumbent's, so the MIP stays small and starts feasible. */
function trimPool(pool: RoutePool, max: number, incumbent: RouteState): PooledRoute[] {
  const all = pool.routes();
  if (all.length <= max) return all;
  const kept = all.sort((a, b) => a.cost / a.route.length - b.cost / b.route.length).slice(0, max);
  const small = new RoutePool();
  for (const p of kept) small.add(p.route, p.cost);
  for (let r = 0; r < incumbent.routes.length; r++) small.add(incumbent.routes[r], incumbent.travel[r]);
  return small.routes();
}

/** Rejects instances no solution can satisfy: a demand above capacity or a customer out of reach in one trip. */
function assertSolvable(inst: CvrpInstance): void {
  const size = inst.n + 1;
  for (let c = 1; c <= inst.n; c++) {
    if (inst.demand[c] > inst.capacity) {
      throw inputError(`customer ${c} has demand ${inst.demand[c]}, above the vehicle capacity ${inst.capacity}`, { customer: c });
    }
    if (inst.demand[c] < 0) throw inputError(`customer ${c} has a negative demand ${inst.demand[c]}`, { customer: c });
    const alone = inst.dist[c] + inst.dist[c * size] + inst.service[c];
    if (alone > inst.maxDuration) {
      throw inputError(`customer ${c} cannot be served within the route limit ${inst.maxDuration} (an out-and-back trip takes ${alone})`, { customer: c });
    }
  }
}
