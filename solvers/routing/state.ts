// Mutable working solution for the search: routes with their load, travel cost, service time and time warp kept in step.
import type { CvrpInstance } from './instance.js';
import { routeTimes, type RouteTimes } from './time-warp.js';

const NO_TIMES: RouteTimes = {
  departPrev: new Float64Array(1),
  warpPrev: new Float64Array(1),
  suffixWarp: new Float64Array(1),
  suffixLatest: new Float64Array(1),
};

/** Prices of infeasibility during search: per unit of time warp and per route beyond the vehicle limit. */
export interface Penalties {
  readonly warp: number;
  readonly extraRoute: number;
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
  /** Total travel cost of all routes. */
  cost: number;

  constructor(
    readonly inst: CvrpInstance,
    routes: number[][],
  ) {
    this.routes = [];
    this.load = [];
    this.travel = [];
    this.serviceTime = [];
    this.timeWarp = [];
    this.times = [];
    this.routeOf = new Int32Array(inst.n + 1).fill(-1);
    this.positionOf = new Int32Array(inst.n + 1);
    this.cost = 0;
    for (const r of routes) if (r.length > 0) this.addRoute(r.slice());
  }

  clone(): RouteState {
    const copy = Object.create(RouteState.prototype) as RouteState;
    (copy as { inst: CvrpInstance }).inst = this.inst;
    copy.routes = this.routes.map((r) => r.slice());
    copy.load = this.load.slice();
    copy.travel = this.travel.slice();
    copy.serviceTime = this.serviceTime.slice();
    copy.timeWarp = this.timeWarp.slice();
    // Summaries are replaced, never mutated, so the copy may share them.
    copy.times = this.times.slice();
    copy.routeOf = this.routeOf.slice();
    copy.positionOf = this.positionOf.slice();
    copy.cost = this.cost;
    return copy;
  }

  addRoute(route: number[]): number {
    const idx = this.routes.length;
    this.routes.push(route);
    this.load.push(0);
    this.travel.push(0);
    this.serviceTime.push(0);
    this.timeWarp.push(0);
    this.times.push(NO_TIMES);
    this.refresh(idx);
    return idx;
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
    this.cost += travel - this.travel[idx];
    this.travel[idx] = travel;
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
    return (
      this.cost +
      penalties.warp * this.totalTimeWarp() +
      penalties.extraRoute * Math.max(0, this.routes.length - this.inst.maxVehicles)
    );
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
        for (const c of this.routes[i]) this.routeOf[c] = i;
      }
      this.routes.pop();
      this.load.pop();
      this.travel.pop();
      this.serviceTime.pop();
      this.timeWarp.pop();
      this.times.pop();
    }
  }

  /** Recomputes the total cost from the per-route figures, dropping accumulated rounding drift. */
  resum(): void {
    let cost = 0;
    for (const t of this.travel) cost += t;
    this.cost = cost;
  }
}
