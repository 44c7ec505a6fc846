// Mutable working solution for the search: routes with their load, travel cost and service time kept in step.
import type { CvrpInstance } from './instance.js';

export class RouteState {
  routes: number[][];
  load: number[];
  travel: number[];
  svc: number[];
  /** routeOf[c] is the index in `routes` of customer c, -1 while it is unrouted. */
  routeOf: Int32Array;
  /** pos[c] is the index of c in its route; kept current by `refresh` only (recreate leaves it stale). */
  pos: Int32Array;
  cost: number;

  constructor(
    readonly inst: CvrpInstance,
    routes: number[][],
  ) {
    this.routes = [];
    this.load = [];
    this.travel = [];
    this.svc = [];
    this.routeOf = new Int32Array(inst.n + 1).fill(-1);
    this.pos = new Int32Array(inst.n + 1);
    this.cost = 0;
    for (const r of routes) if (r.length > 0) this.addRoute(r.slice());
  }

  clone(): RouteState {
    const copy = Object.create(RouteState.prototype) as RouteState;
    (copy as { inst: CvrpInstance }).inst = this.inst;
    copy.routes = this.routes.map((r) => r.slice());
    copy.load = this.load.slice();
    copy.travel = this.travel.slice();
    copy.svc = this.svc.slice();
    copy.routeOf = this.routeOf.slice();
    copy.pos = this.pos.slice();
    copy.cost = this.cost;
    return copy;
  }

  addRoute(route: number[]): number {
    const idx = this.routes.length;
    this.routes.push(route);
    this.load.push(0);
    this.travel.push(0);
    this.svc.push(0);
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
    let svc = 0;
    for (let i = 0; i < r.length; i++) {
      const c = r[i];
      this.pos[c] = i;
      travel += dist[prev * size + c];
      load += demand[c];
      svc += service[c];
      this.routeOf[c] = idx;
      prev = c;
    }
    travel += r.length > 0 ? dist[prev * size] : 0;
    this.cost += travel - this.travel[idx];
    this.travel[idx] = travel;
    this.load[idx] = load;
    this.svc[idx] = svc;
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
        this.svc[i] = this.svc[last];
        for (const c of this.routes[i]) this.routeOf[c] = i;
      }
      this.routes.pop();
      this.load.pop();
      this.travel.pop();
      this.svc.pop();
    }
  }

  /** Recomputes the total cost from the per-route figures, dropping accumulated rounding drift. */
  resum(): void {
    let cost = 0;
    for (const t of this.travel) cost += t;
    this.cost = cost;
  }
}
