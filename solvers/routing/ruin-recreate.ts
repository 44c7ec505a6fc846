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
    const route = s.routes[r];
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
 * Greedy blink insertion of `removed` into `s`, opening a new route when no route can take a customer. With time
 * windows an insertion costs its detour plus the warp penalty per unit of added time warp, and a new route is opened
 * when that is cheaper than any late insertion (plus the extra-route penalty once the fleet is used up).
 */
export function recreate(s: RouteState, removed: number[], rng: Rng, p: SisrParams, penalties: Penalties): void {
  const { dist, demand, service, capacity, maxDuration, n, hasTimeWindows, mixedFleet, vehicleTypes } = s.inst;
  const warpPenalty = penalties.warp;
  const size = n + 1;
  // Routes the ruin emptied give their vehicles back before anything is inserted.
  s.compact();
  sortRemoved(s, removed, rng);
  for (const c of removed) {
    let bestDelta = Infinity;
    let bestRoute = -1;
    let bestPos = -1;
    let bestRouteType = 0;
    const dc = demand[c];
    const sc = service[c];
    const rowC = c * size;
    for (let r = 0; r < s.routes.length; r++) {
      if (s.load[r] + dc > capacity) continue;
      const route = s.routes[r];
      if (route.length === 0) continue;
      // With a mixed fleet a route that outgrows its vehicle moves to a larger one, priced as the change of type.
      let unit = 1;
      let typeDelta = 0;
      let type = 0;
      if (mixedFleet) {
        type = s.vtype[r];
        if (s.load[r] + dc > vehicleTypes[type].capacity + 1e-9) {
          type = bestType(s, s.load[r] + dc, s.travel[r], r);
          if (vehicleTypes[type].capacity + 1e-9 < s.load[r] + dc) continue;
          const overLimit = s.used[type] >= vehicleTypes[type].count ? penalties.extraRoute : 0;
          typeDelta = vehicleTypes[type].fixedCost + vehicleTypes[type].unitDistanceCost * s.travel[r] + overLimit;
          typeDelta -= s.objective[r];
        }
        unit = vehicleTypes[type].unitDistanceCost;
      }
      const slack = maxDuration - s.travel[r] - s.serviceTime[r] - sc;
      let prev = 0;
      for (let i = 0; i <= route.length; i++) {
        const next = i < route.length ? route[i] : 0;
        if (rng.next() >= p.blink) {
          const detour = dist[prev * size + c] + dist[rowC + next] - dist[prev * size + next];
          const priced = typeDelta + unit * detour;
          const delta =
            hasTimeWindows && priced < bestDelta
              ? priced + warpPenalty * (warpWithInsertion(s.inst, s.times[r], route, i, c) - s.timeWarp[r])
              : priced;
          if (delta < bestDelta && detour <= slack) {
            bestDelta = delta;
            bestRoute = r;
            bestPos = i;
            bestRouteType = type;
          }
        }
        prev = next;
      }
    }
    const outAndBack = dist[c] + dist[rowC];
    let opening = outAndBack + (s.routes.length >= s.inst.maxVehicles ? penalties.extraRoute : 0);
    let openingType = 0;
    if (mixedFleet) {
      openingType = bestType(s, dc, outAndBack, -1);
      const t = vehicleTypes[openingType];
      opening =
        t.fixedCost + t.unitDistanceCost * outAndBack + (s.used[openingType] >= t.count ? penalties.extraRoute : 0);
    }
    if (bestRoute < 0 || ((hasTimeWindows || mixedFleet) && bestDelta > opening)) {
      s.addRoute([c], mixedFleet ? openingType : undefined);
      continue;
    }
    s.routes[bestRoute].splice(bestPos, 0, c);
    if (hasTimeWindows || mixedFleet) {
      if (mixedFleet && bestRouteType !== s.vtype[bestRoute]) s.setType(bestRoute, bestRouteType);
      s.refresh(bestRoute);
      continue;
    }
    s.routeOf[c] = bestRoute;
    s.load[bestRoute] += dc;
    s.serviceTime[bestRoute] += sc;
    s.travel[bestRoute] += bestDelta;
    s.objective[bestRoute] += bestDelta;
    s.cost += bestDelta;
  }
  s.compact();
  if (mixedFleet) retype(s);
}

function sortRemoved(s: RouteState, removed: number[], rng: Rng): void {
  const { dist, demand } = s.inst;
  const pick = rng.int(11);
  if (pick < 4) rng.shuffle(removed);
  else if (pick < 8) removed.sort((a, b) => demand[b] - demand[a]);
  else if (pick < 10) removed.sort((a, b) => dist[b] - dist[a]);
  else removed.sort((a, b) => dist[a] - dist[b]);
}
