// SISR ruin-and-recreate (Christiaens & Vanden Berghe 2020): remove adjacent strings, reinsert greedily with blinks.
import type { NeighbourLists } from './neighbours.js';
import type { Rng } from './rng.js';
import { bestType, retype, type Penalties, type RouteState } from './state.js';
import { warpWithInsertion } from './time-warp.js';

export interface SisrParams {
  /** Average number of customers removed per ruin. */
  readonly avgRemoved: number;
  /** Longest string removed from one route. */
  readonly maxString: number;
  /** Probability of skipping an insertion position. */
  readonly blink: number;
}

export const DEFAULT_SISR: SisrParams = { avgRemoved: 10, maxString: 10, blink: 0.01 };

/** Ruins `s` in place and returns the removed customers. `adj` lists customers by distance. */
export function ruin(s: RouteState, adj: NeighbourLists, rng: Rng, p: SisrParams): number[] {
  const n = s.inst.n;
  const removed: number[] = [];
  if (s.routes.length === 0) return removed;
  const avgLen = n / s.routes.length;
  const lsMax = Math.min(p.maxString, avgLen);
  const ksMax = (4 * p.avgRemoved) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * ksMax) + 1;
  const seed = 1 + rng.int(n);
  const ruined = new Set<number>();
  for (let t = -1; t < adj.k && ruined.size < ks; t++) {
    const c = t < 0 ? seed : adj.list[seed * adj.k + t];
    const r = s.routeOf[c];
    if (r < 0 || ruined.has(r)) continue;
    const route = s.writableRoute(r);
    const lMax = Math.min(route.length, lsMax);
    const l = Math.floor(rng.next() * lMax) + 1;
    const pos = route.indexOf(c);
    if (rng.next() < 0.5 || l >= route.length) removeString(route, pos, l, rng, removed);
    else removeSplitString(route, pos, l, rng, removed);
    for (const x of removed) s.routeOf[x] = -1;
    s.refresh(r);
    ruined.add(r);
  }
  return removed;
}

/**
 * Empties the smaller of two routes drawn at random and returns its customers. Recreating them where no route may be
 * opened is the one step by which the search drops a whole route: string removals free a few customers of a route at
 * a time, and with time windows the route then rarely empties (the wide-window Solomon instances kept a fourth route
 * where three suffice).
 */
export function ruinRoute(s: RouteState, rng: Rng): number[] {
  if (s.routes.length < 2) return [];
  const a = rng.int(s.routes.length);
  const b = rng.int(s.routes.length);
  const r = s.routes[a].length <= s.routes[b].length ? a : b;
  const removed = s.writableRoute(r).splice(0);
  for (const c of removed) s.routeOf[c] = -1;
  s.refresh(r);
  return removed;
}

function removeString(route: number[], pos: number, l: number, rng: Rng, out: number[]): void {
  const lo = Math.max(0, pos - l + 1);
  const hi = Math.min(pos, route.length - l);
  const start = lo + rng.int(hi - lo + 1);
  for (const c of route.splice(start, l)) out.push(c);
}

/** Removes a string of l + m customers around pos but keeps m consecutive ones of it in the route. */
function removeSplitString(route: number[], pos: number, l: number, rng: Rng, out: number[]): void {
  let m = 1;
  while (l + m < route.length && rng.next() > 0.01) m++;
  const total = l + m;
  const lo = Math.max(0, pos - total + 1);
  const hi = Math.min(pos, route.length - total);
  const start = lo + rng.int(hi - lo + 1);
  const keepAt = rng.int(l + 1);
  const segment = route.splice(start, total);
  const kept = segment.splice(keepAt, m);
  for (const c of segment) out.push(c);
  route.splice(start, 0, ...kept);
}

/**
 * Without time windows or a mixed fleet a customer is first offered only to the routes serving one of its this many
 * nearest neighbours (the rest only when none of those can take it): on a thousand customers that prices a few
 * routes instead of all of them, and the cheapest insertion is nearly always next to a near neighbour.
 */
const NEAR_ROUTES_FROM = 30;

/** The cheapest insertion found so far for one customer (scratch, reused across customers). */
interface Insertion {
  delta: number;
  route: number;
  pos: number;
  type: number;
  /**
   * Positions left to price before the next blink: a geometric draw, which skips each position with the blink
   * probability as one draw per position would, for one random number per blink instead of one per position.
   */
  untilBlink: number;
}

function positionsUntilBlink(rng: Rng, blink: number): number {
  return Math.floor(Math.log(1 - rng.next()) / Math.log(1 - blink)) + 1;
}

/** Route marks for the near-route scan: routeMark[r] === markStamp when route r was already priced for this customer. */
let routeMark = new Int32Array(64);
let markStamp = 0;

/**
 * Greedy blink insertion of `removed` into `s`, opening a new route when no route can take a customer. With time
 * windows an insertion costs its detour plus the warp penalty per unit of added time warp, and a new route is opened
 * when that is cheaper than any late insertion (plus the extra-route penalty once the fleet is used up).
 */
export function recreate(
  s: RouteState,
  removed: number[],
  rng: Rng,
  p: SisrParams,
  penalties: Penalties,
  adj: NeighbourLists,
): void {
  const { dist, demand, service, hasTimeWindows, mixedFleet, vehicleTypes, n } = s.inst;
  const size = n + 1;
  const near = !hasTimeWindows && !mixedFleet ? Math.min(NEAR_ROUTES_FROM, adj.k) : 0;
  const best: Insertion = {
    delta: Infinity,
    route: -1,
    pos: -1,
    type: 0,
    untilBlink: positionsUntilBlink(rng, p.blink),
  };
  // Routes the ruin emptied give their vehicles back before anything is inserted.
  s.compact();
  sortRemoved(s, removed, rng);
  for (const c of removed) {
    best.delta = Infinity;
    best.route = -1;
    const dc = demand[c];
    const sc = service[c];
    const rowC = c * size;
    if (near > 0) {
      if (routeMark.length < s.routes.length) routeMark = new Int32Array(2 * s.routes.length);
      markStamp = (markStamp + 1) | 0;
      for (let t = 0; t < near; t++) {
        const r = s.routeOf[adj.list[c * adj.k + t]];
        if (r < 0 || routeMark[r] === markStamp) continue;
        routeMark[r] = markStamp;
        priceRoute(s, r, c, rng, p.blink, penalties, best);
      }
    }
    if (best.route < 0) for (let r = 0; r < s.routes.length; r++) priceRoute(s, r, c, rng, p.blink, penalties, best);
    const outAndBack = dist[c] + dist[rowC];
    const openingExtra = penalties.newRoute ?? 0;
    let opening = outAndBack + (s.routes.length >= s.inst.maxVehicles ? penalties.extraRoute : 0) + openingExtra;
    let openingType = 0;
    if (mixedFleet) {
      openingType = bestType(s, dc, outAndBack, -1);
      const t = vehicleTypes[openingType];
      opening =
        t.fixedCost +
        t.unitDistanceCost * outAndBack +
        (s.used[openingType] >= t.count ? penalties.extraRoute : 0) +
        openingExtra;
    }
    if (best.route < 0 || ((hasTimeWindows || mixedFleet) && best.delta > opening)) {
      s.addRoute([c], mixedFleet ? openingType : undefined);
      continue;
    }
    const bestRoute = best.route;
    s.writableRoute(bestRoute).splice(best.pos, 0, c);
    if (hasTimeWindows || mixedFleet) {
      if (mixedFleet && best.type !== s.vtype[bestRoute]) s.setType(bestRoute, best.type);
      s.refresh(bestRoute);
      continue;
    }
    s.routeOf[c] = bestRoute;
    s.load[bestRoute] += dc;
    s.serviceTime[bestRoute] += sc;
    s.travel[bestRoute] += best.delta;
    s.objective[bestRoute] += best.delta;
    s.cost += best.delta;
  }
  s.compact();
  if (mixedFleet) retype(s);
}

/** Prices inserting c at every position of route r (each skipped with the blink probability), keeping the cheapest in `best`. */
function priceRoute(
  s: RouteState,
  r: number,
  c: number,
  rng: Rng,
  blink: number,
  penalties: Penalties,
  best: Insertion,
): void {
  const { dist, demand, service, capacity, maxDuration, n, hasTimeWindows, mixedFleet, vehicleTypes } = s.inst;
  const dc = demand[c];
  if (s.load[r] + dc > capacity) return;
  const route = s.routes[r];
  if (route.length === 0) return;
  const size = n + 1;
  const rowC = c * size;
  // With a mixed fleet a route that outgrows its vehicle moves to a larger one, priced as the change of type.
  let unit = 1;
  let typeDelta = 0;
  let type = 0;
  if (mixedFleet) {
    type = s.vtype[r];
    if (s.load[r] + dc > vehicleTypes[type].capacity + 1e-9) {
      type = bestType(s, s.load[r] + dc, s.travel[r], r);
      if (vehicleTypes[type].capacity + 1e-9 < s.load[r] + dc) return;
      const overLimit = s.used[type] >= vehicleTypes[type].count ? penalties.extraRoute : 0;
      typeDelta = vehicleTypes[type].fixedCost + vehicleTypes[type].unitDistanceCost * s.travel[r] + overLimit;
      typeDelta -= s.objective[r];
    }
    unit = vehicleTypes[type].unitDistanceCost;
  }
  const slack = maxDuration - s.travel[r] - s.serviceTime[r] - service[c];
  let prev = 0;
  for (let i = 0; i <= route.length; i++) {
    const next = i < route.length ? route[i] : 0;
    if (--best.untilBlink > 0) {
      const detour = dist[prev * size + c] + dist[rowC + next] - dist[prev * size + next];
      const priced = typeDelta + unit * detour;
      const delta =
        hasTimeWindows && priced < best.delta
          ? priced + penalties.warp * (warpWithInsertion(s.inst, s.times[r], route, i, c) - s.timeWarp[r])
          : priced;
      if (delta < best.delta && detour <= slack) {
        best.delta = delta;
        best.route = r;
        best.pos = i;
        best.type = type;
      }
    } else best.untilBlink = positionsUntilBlink(rng, blink);
    prev = next;
  }
}

function sortRemoved(s: RouteState, removed: number[], rng: Rng): void {
  const { dist, demand } = s.inst;
  const pick = rng.int(11);
  if (pick < 4) rng.shuffle(removed);
  else if (pick < 8) removed.sort((a, b) => demand[b] - demand[a]);
  else if (pick < 10) removed.sort((a, b) => dist[b] - dist[a]);
  else removed.sort((a, b) => dist[a] - dist[b]);
}
