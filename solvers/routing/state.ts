// Mutable working solution for the search: routes with their load, travel cost, service time, time warp and vehicle
// type kept in step.
import type { CvrpInstance } from './instance.js';
import { routeTimes, type RouteTimes } from './time-warp.js';

const NO_TIMES: RouteTimes = {
  departPrev: new Float64Array(1),
  warpPrev: new Float64Array(1),
  suffixWarp: new Float64Array(1),
  suffixLatest: new Float64Array(1),
};

/** What `clone` builds before copying into it. */
const NO_ROUTES: number[][] = [];

/** Prices of infeasibility during search: per unit of time warp and per route beyond the vehicle limit. */
export interface Penalties {
  readonly warp: number;
  readonly extraRoute: number;
  /** Added to the price of opening a route in recreate (Infinity: open one only when no route has the capacity). */
  readonly newRoute?: number;
}

export class RouteState {
  routes: number[][];
  load: number[];
  travel: number[];
  /** Total service time of each route. */
  serviceTime: number[];
  /** Time warp of each route (0 without time windows): how late, summed over its stops, it would be. */
  timeWarp: number[];
  /** Per-route arrival summaries for O(1) insertion checks; only kept when the instance has time windows. */
  times: RouteTimes[];
  /** routeOf[c] is the index in `routes` of customer c, -1 while it is unrouted. */
  routeOf: Int32Array;
  /** positionOf[c] is the index of c in its route; kept current by `refresh` only (recreate leaves it stale). */
  positionOf: Int32Array;
  /** Vehicle type (index into inst.vehicleTypes) of each route; 0 for a homogeneous fleet. */
  vtype: number[];
  /** What each route costs: fixed cost of its type plus unit distance cost × travel (just travel for one plain type). */
  objective: number[];
  /** Routes driven by each vehicle type. */
  used: number[];
  /** Total objective of all routes (the travel distance for one plain vehicle type). */
  cost: number;
  /**
   * Route arrays this state may change in place. A clone shares the other's route arrays (copying every route each
   * ruin-and-recreate iteration cost more than the iteration's own work on a thousand customers) and copies a route
   * only when it first changes one (`writableRoute`).
   */
  private owned = new Set<number[]>();

  /** `types` gives each route's vehicle type (mixed fleet); without it each route takes the cheapest that carries it. */
  constructor(
    readonly inst: CvrpInstance,
    routes: number[][],
    types?: readonly number[],
  ) {
    this.routes = [];
    this.load = [];
    this.travel = [];
    this.serviceTime = [];
    this.timeWarp = [];
    this.times = [];
    this.vtype = [];
    this.objective = [];
    this.used = inst.vehicleTypes.map(() => 0);
    this.routeOf = new Int32Array(inst.n + 1).fill(-1);
    this.positionOf = new Int32Array(inst.n + 1);
    this.cost = 0;
    routes.forEach((r, i) => {
      if (r.length > 0) this.addRoute(r.slice(), types?.[i]);
    });
    if (inst.mixedFleet) retype(this);
  }

  /** A copy sharing this state's route arrays until either changes one (`writableRoute`). */
  clone(): RouteState {
    return new RouteState(this.inst, NO_ROUTES).copyFrom(this);
  }

  /**
   * Makes this state a copy of `other` (of the same instance) in its own customer arrays: allocating two typed arrays
   * of n + 1 per ruin-and-recreate iteration cost more than the iteration's insertions on a thousand customers.
   */
  copyFrom(other: RouteState): this {
    this.routes = other.routes.slice();
    this.load = other.load.slice();
    this.travel = other.travel.slice();
    this.serviceTime = other.serviceTime.slice();
    this.timeWarp = other.timeWarp.slice();
    // Summaries are replaced, never mutated, so the copy may share them.
    this.times = other.times.slice();
    this.vtype = other.vtype.slice();
    this.objective = other.objective.slice();
    this.used = other.used.slice();
    this.routeOf.set(other.routeOf);
    this.positionOf.set(other.positionOf);
    this.cost = other.cost;
    // The route arrays are now shared, so neither state may change them in place any more.
    this.owned.clear();
    other.owned.clear();
    return this;
  }

  /** Route idx as an array this state alone holds, so it may be changed in place (then call `refresh`). */
  writableRoute(idx: number): number[] {
    let route = this.routes[idx];
    if (!this.owned.has(route)) {
      route = route.slice();
      this.routes[idx] = route;
      this.owned.add(route);
    }
    return route;
  }

  /** The route arrays created or changed in place since this state was cloned: where a search has news to look at. */
  changedRoutes(): ReadonlySet<readonly number[]> {
    return this.owned;
  }

  /** Appends a route driven by `type`, or by the cheapest type that can carry it when none is given. */
  addRoute(route: number[], type?: number): number {
    const idx = this.routes.length;
    this.routes.push(route);
    this.owned.add(route);
    this.load.push(0);
    this.travel.push(0);
    this.serviceTime.push(0);
    this.timeWarp.push(0);
    this.times.push(NO_TIMES);
    this.objective.push(0);
    this.vtype.push(0);
    this.used[0]++;
    this.refresh(idx);
    if (this.inst.mixedFleet) this.setType(idx, type ?? bestType(this, this.load[idx], this.travel[idx], -1));
    return idx;
  }

  /** Gives route idx to a vehicle of `type`, keeping the counts and the objective in step. */
  setType(idx: number, type: number): void {
    this.used[this.vtype[idx]]--;
    this.vtype[idx] = type;
    this.used[type]++;
    this.updateObjective(idx);
  }

  private updateObjective(idx: number): void {
    const t = this.inst.vehicleTypes[this.vtype[idx]];
    const obj = this.routes[idx].length > 0 ? t.fixedCost + t.unitDistanceCost * this.travel[idx] : 0;
    this.cost += obj - this.objective[idx];
    this.objective[idx] = obj;
  }

  /** Routes beyond the count of their vehicle type, summed over the types. */
  excessVehicles(): number {
    let excess = 0;
    const types = this.inst.vehicleTypes;
    for (let k = 0; k < types.length; k++) excess += Math.max(0, this.used[k] - types[k].count);
    return excess;
  }

  /** Recomputes the totals of route idx after its customer list changed. */
  refresh(idx: number): void {
    const { dist, demand, service, n } = this.inst;
    const size = n + 1;
    const r = this.routes[idx];
    let prev = 0;
    let travel = 0;
    let load = 0;
    let serviceSum = 0;
    for (let i = 0; i < r.length; i++) {
      const c = r[i];
      this.positionOf[c] = i;
      travel += dist[prev * size + c];
      load += demand[c];
      serviceSum += service[c];
      this.routeOf[c] = idx;
      prev = c;
    }
    travel += r.length > 0 ? dist[prev * size] : 0;
    this.travel[idx] = travel;
    this.updateObjective(idx);
    this.load[idx] = load;
    this.serviceTime[idx] = serviceSum;
    if (this.inst.hasTimeWindows) {
      const times = routeTimes(this.inst, r);
      this.times[idx] = times;
      this.timeWarp[idx] =
        r.length > 0
          ? times.warpPrev[r.length] +
            Math.max(times.departPrev[r.length] + dist[prev * size] - this.inst.dueTime[0], 0)
          : 0;
    }
  }

  /** Sum of the routes' time warp; 0 means every window is kept. */
  totalTimeWarp(): number {
    let w = 0;
    for (const x of this.timeWarp) w += x;
    return w;
  }

  /** Travel cost plus the penalties of broken windows and of routes beyond the fleet: what the search minimises. */
  penalisedCost(penalties: Penalties): number {
    return this.cost + penalties.warp * this.totalTimeWarp() + penalties.extraRoute * this.excessVehicles();
  }

  /** Drops empty routes, moving the last route into each hole. */
  compact(): void {
    for (let i = this.routes.length - 1; i >= 0; i--) {
      if (this.routes[i].length > 0) continue;
      const last = this.routes.length - 1;
      if (i !== last) {
        this.routes[i] = this.routes[last];
        this.load[i] = this.load[last];
        this.travel[i] = this.travel[last];
        this.serviceTime[i] = this.serviceTime[last];
        this.timeWarp[i] = this.timeWarp[last];
        this.times[i] = this.times[last];
        this.used[this.vtype[i]]--;
        this.vtype[i] = this.vtype[last];
        this.objective[i] = this.objective[last];
        for (const c of this.routes[i]) this.routeOf[c] = i;
      }
      this.routes.pop();
      this.load.pop();
      this.travel.pop();
      this.serviceTime.pop();
      this.timeWarp.pop();
      this.times.pop();
      if (i === last) this.used[this.vtype[last]]--;
      this.vtype.pop();
      this.objective.pop();
    }
  }

  /** Recomputes the total cost from the per-route figures, dropping accumulated rounding drift. */
  resum(): void {
    let cost = 0;
    for (const t of this.objective) cost += t;
    this.cost = cost;
  }
}

/**
 * The cheapest vehicle type (fixed cost plus unit cost × travel) that can carry `load`, among the types with a
 * vehicle to spare; route `own` (or -1) gives its current vehicle back for the comparison. When every type that
 * could carry the load is used up, the cheapest of them is returned anyway and the route counts as beyond the fleet.
 */
export function bestType(s: RouteState, load: number, travel: number, own: number): number {
  const types = s.inst.vehicleTypes;
  let best = -1;
  let bestCost = Infinity;
  let fallback = -1;
  let fallbackCost = Infinity;
  for (let k = 0; k < types.length; k++) {
    const t = types[k];
    if (t.capacity + 1e-9 < load) continue;
    const c = t.fixedCost + t.unitDistanceCost * travel;
    const spare = s.used[k] - (own >= 0 && s.vtype[own] === k ? 1 : 0) < t.count;
    if (spare && c < bestCost) {
      bestCost = c;
      best = k;
    }
    if (c < fallbackCost) {
      fallbackCost = c;
      fallback = k;
    }
  }
  return best >= 0 ? best : Math.max(fallback, 0);
}

/**
 * Improves the routes' vehicle types: single changes to a type with a vehicle to spare and exchanges of types
 * between two routes are applied while they lower the cost or the number of routes beyond their type's count.
 */
export function retype(s: RouteState): void {
  const types = s.inst.vehicleTypes;
  const R = s.routes.length;
  if (R === 0) return;
  // A route whose vehicle cannot carry it (none should remain) first gets the cheapest one that can.
  for (let r = 0; r < R; r++) {
    if (types[s.vtype[r]].capacity + 1e-9 < s.load[r]) {
      const k = bestType(s, s.load[r], s.travel[r], r);
      s.used[s.vtype[r]]--;
      s.vtype[r] = k;
      s.used[k]++;
    }
  }
  const costOf = (r: number, k: number): number =>
    types[k].capacity + 1e-9 < s.load[r] ? Infinity : types[k].fixedCost + types[k].unitDistanceCost * s.travel[r];
  let improved = true;
  for (let pass = 0; improved && pass < 10; pass++) {
    improved = false;
    for (let a = 0; a < R; a++) {
      const ka = s.vtype[a];
      for (let k = 0; k < types.length; k++) {
        if (k === ka) continue;
        const relieves = s.used[ka] > types[ka].count && s.used[k] < types[k].count;
        if (costOf(a, k) === Infinity) continue;
        if (relieves || (s.used[k] < types[k].count && costOf(a, k) < costOf(a, ka) - 1e-9)) {
          s.used[ka]--;
          s.used[k]++;
          s.vtype[a] = k;
          improved = true;
          break;
        }
      }
      for (let b = a + 1; b < R; b++) {
        const x = s.vtype[a];
        const y = s.vtype[b];
        if (x === y) continue;
        if (costOf(a, y) + costOf(b, x) < costOf(a, x) + costOf(b, y) - 1e-9) {
          s.vtype[a] = y;
          s.vtype[b] = x;
          improved = true;
        }
      }
    }
  }
  let cost = 0;
  for (let r = 0; r < R; r++) {
    const t = types[s.vtype[r]];
    s.objective[r] = s.routes[r].length > 0 ? t.fixedCost + t.unitDistanceCost * s.travel[r] : 0;
    cost += s.objective[r];
  }
  s.cost = cost;
}
