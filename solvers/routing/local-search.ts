// Neighbour-list local search: relocate, swap, or-opt, 2-opt and 2-opt* moves, first improvement, until no move improves.
// Moves are screened by their change in distance less the time warp they could remove, then measured exactly.
import type { NeighbourLists } from './neighbours.js';
import type { Rng } from './rng.js';
import { bestType, retype, type RouteState } from './state.js';
import { routeTimeWarp } from './time-warp.js';

const EPS = 1e-7;

/**
 * Improves `s` in place; only moves within capacity and duration limits are applied. Time windows count as travel
 * plus `warpPenalty` per unit of time warp, so a move may trade distance for lateness. With `changed` (the route arrays
 * that changed since `s` was last searched) only moves touching those routes are tried at first; as in HGS
 * (whenLastModified), a customer's moves are tried again only when its route or its neighbour's changed since.
 */
export function localSearch(
  s: RouteState,
  nb: NeighbourLists,
  rng: Rng,
  granularity: number,
  warpPenalty: number,
  changed?: ReadonlySet<readonly number[]>,
): void {
  const n = s.inst.n;
  const k = Math.min(granularity, nb.k);
  for (let r = 0; r < s.routes.length; r++) s.refresh(r);
  // Stamps count applied moves: a route's is the count after its last change, a customer's when its moves were last tried.
  const routeStamp = new Int32Array(s.routes.length);
  for (let r = 0; r < s.routes.length; r++) routeStamp[r] = !changed || changed.has(s.routes[r]) ? 1 : 0;
  const triedAt = new Int32Array(n + 1);
  let moves = 1;
  const order: number[] = [];
  for (let c = 1; c <= n; c++) order.push(c);
  let improved = true;
  while (improved) {
    improved = false;
    rng.shuffle(order);
    for (const u of order) {
      const since = triedAt[u];
      triedAt[u] = moves;
      for (let t = 0; t < k; t++) {
        const v = nb.list[u * nb.k + t];
        const ru = s.routeOf[u];
        const rv = s.routeOf[v];
        if (routeStamp[ru] <= since && routeStamp[rv] <= since) continue;
        if (tryMoves(s, u, v, warpPenalty)) {
          moves++;
          routeStamp[ru] = moves;
          routeStamp[rv] = moves;
          improved = true;
        }
      }
    }
  }
  s.compact();
  if (s.inst.mixedFleet) retype(s);
  s.resum();
}

function tryMoves(s: RouteState, u: number, v: number, warpPenalty: number): boolean {
  const { dist, n } = s.inst;
  const size = n + 1;
  const ru = s.routeOf[u];
  const rv = s.routeOf[v];
  // A move can at best remove all the warp of the two routes, so its distance change must beat that; with a mixed
  // fleet it may also save a short route's fixed cost or move customers to a vehicle cheaper per unit distance.
  let slack = warpPenalty * (s.timeWarp[ru] + (ru === rv ? 0 : s.timeWarp[rv]));
  if (s.inst.mixedFleet) slack += mixedSlack(s, ru, rv);
  const d = (a: number, b: number): number => dist[a * size + b];
  const apply = (ra: number, rb: number, build: (a: number[], b: number[]) => [number[], number[]]): boolean =>
    applyMove(s, ra, rb, warpPenalty, build);
  const U = s.routes[ru];
  const V = s.routes[rv];
  const pu = s.positionOf[u];
  const pv = s.positionOf[v];
  const predU = pu > 0 ? U[pu - 1] : 0;
  const succU = pu + 1 < U.length ? U[pu + 1] : 0;
  const predV = pv > 0 ? V[pv - 1] : 0;
  const succV = pv + 1 < V.length ? V[pv + 1] : 0;
  const same = ru === rv;
  const removeU = d(predU, succU) - d(predU, u) - d(u, succU);

  // Relocate u after v, then before v.
  if (succV !== u && removeU + d(v, u) + d(u, succV) - d(v, succV) < slack - EPS) {
    if (apply(ru, rv, (a, b) => moveSegment(a, b, pu, 1, v, true, false))) return true;
  }
  if (predV !== u && removeU + d(predV, u) + d(u, v) - d(predV, v) < slack - EPS) {
    if (apply(ru, rv, (a, b) => moveSegment(a, b, pu, 1, v, false, false))) return true;
  }
  // Swap u and v.
  if (succU !== v && predU !== v) {
    const delta =
      d(predU, v) + d(v, succU) - d(predU, u) - d(u, succU) + d(predV, u) + d(u, succV) - d(predV, v) - d(v, succV);
    if (delta < slack - EPS && apply(ru, rv, (a, b) => swap(a, b, pu, pv))) return true;
  }
  // Or-opt: the segment of 2 or 3 starting at u moved after v, kept or reversed.
  for (let len = 2; len <= 3; len++) {
    if (pu + len > U.length) break;
    if (same && pv >= pu - 1 && pv < pu + len) break;
    const last = U[pu + len - 1];
    const after = pu + len < U.length ? U[pu + len] : 0;
    const out = d(predU, after) - d(predU, u) - d(last, after) - d(v, succV);
    if (
      out + d(v, u) + d(last, succV) < slack - EPS &&
      apply(ru, rv, (a, b) => moveSegment(a, b, pu, len, v, true, false))
    )
      return true;
    if (
      out + d(v, last) + d(u, succV) < slack - EPS &&
      apply(ru, rv, (a, b) => moveSegment(a, b, pu, len, v, true, true))
    )
      return true;
  }
  if (same) {
    // 2-opt: make u and v adjacent by reversing the stretch between them.
    if (pu < pv && d(u, v) + d(succU, succV) - d(u, succU) - d(v, succV) < slack - EPS) {
      if (apply(ru, rv, (a) => [reverse(a, pu + 1, pv), a])) return true;
    }
    if (pv < pu && d(predV, predU) + d(v, u) - d(predV, v) - d(predU, u) < slack - EPS) {
      if (apply(ru, rv, (a) => [reverse(a, pv, pu - 1), a])) return true;
    }
    return false;
  }
  // 2-opt*: u followed by v's tail, or u joined to v with both heads reversed.
  if (d(u, v) + d(predV, succU) - d(u, succU) - d(predV, v) < slack - EPS) {
    if (apply(ru, rv, (a, b) => [a.slice(0, pu + 1).concat(b.slice(pv)), b.slice(0, pv).concat(a.slice(pu + 1))]))
      return true;
  }
  if (d(u, v) + d(succU, succV) - d(u, succU) - d(v, succV) < slack - EPS) {
    const tails = (a: number[], b: number[]): [number[], number[]] => [
      a.slice(0, pu + 1).concat(b.slice(0, pv + 1).reverse()),
      a
        .slice(pu + 1)
        .reverse()
        .concat(b.slice(pv + 1)),
    ];
    if (apply(ru, rv, tails)) return true;
  }
  return false;
}

/** What a move between routes ru and rv could save beyond its distance change on a mixed fleet (a screen, not a price). */
function mixedSlack(s: RouteState, ru: number, rv: number): number {
  const types = s.inst.vehicleTypes;
  let slack = 0;
  for (const r of ru === rv ? [ru] : [ru, rv]) if (s.routes[r].length <= 3) slack += types[s.vtype[r]].fixedCost;
  if (ru !== rv) {
    const spread = Math.abs(types[s.vtype[ru]].unitDistanceCost - types[s.vtype[rv]].unitDistanceCost);
    slack += spread * Math.max(s.travel[ru], s.travel[rv]);
  }
  return slack;
}

function reverse(a: number[], from: number, to: number): number[] {
  const out = a.slice();
  for (let i = from, j = to; i < j; i++, j--) {
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

function swap(a: number[], b: number[], pa: number, pb: number): [number[], number[]] {
  if (a === b) {
    const out = a.slice();
    out[pa] = a[pb];
    out[pb] = a[pa];
    return [out, out];
  }
  const na = a.slice();
  const nb = b.slice();
  na[pa] = b[pb];
  nb[pb] = a[pa];
  return [na, nb];
}

/** Moves a[pa .. pa+len) next to customer v (after it or before it), optionally reversed. */
function moveSegment(
  a: number[],
  b: number[],
  pa: number,
  len: number,
  v: number,
  after: boolean,
  rev: boolean,
): [number[], number[]] {
  const na = a.slice();
  const seg = na.splice(pa, len);
  if (rev) seg.reverse();
  const nb = a === b ? na : b.slice();
  const at = nb.indexOf(v) + (after ? 1 : 0);
  nb.splice(at, 0, ...seg);
  return [na, nb];
}

/** Applies the candidate routes when they are feasible and strictly cheaper, measured exactly. */
function applyMove(
  s: RouteState,
  ru: number,
  rv: number,
  warpPenalty: number,
  build: (a: number[], b: number[]) => [number[], number[]],
): boolean {
  const [na, nb] = build(s.routes[ru], s.routes[rv]);
  if (!measure(s, na, ru)) return false;
  const typeA = measured.type;
  let costChange = measured.cost - s.objective[ru];
  let warpChange = measured.warp - s.timeWarp[ru];
  let typeB = typeA;
  if (ru !== rv) {
    if (!measure(s, nb, rv)) return false;
    typeB = measured.type;
    // Both routes growing out of their vehicles into the last spare one of a type would overdraw it.
    if (typeA !== s.vtype[ru] && typeA === typeB && typeB !== s.vtype[rv]) {
      const t = s.inst.vehicleTypes[typeA];
      if (s.used[typeA] + 2 > t.count) return false;
    }
    costChange += measured.cost - s.objective[rv];
    warpChange += measured.warp - s.timeWarp[rv];
  }
  // Changes, not totals, are compared: a large penalty times the warp would swamp the tolerance.
  if (costChange + warpPenalty * warpChange > -EPS) return false;
  s.routes[ru] = na;
  if (s.inst.mixedFleet && typeA !== s.vtype[ru]) s.setType(ru, typeA);
  s.refresh(ru);
  if (ru !== rv) {
    s.routes[rv] = nb;
    if (s.inst.mixedFleet && typeB !== s.vtype[rv]) s.setType(rv, typeB);
    s.refresh(rv);
  }
  return true;
}

/** Scratch output of `measure`, reused so the inner loop allocates no result objects. */
const measured = { cost: 0, warp: 0, type: 0 };

/**
 * Sets `measured` to the route's cost (travel, or its vehicle's fixed and distance cost on a mixed fleet), time warp
 * and vehicle type; false when it breaks the duration limit or no vehicle to spare can carry it. Route `own` keeps
 * its vehicle when the load still fits it, else moves to the cheapest spare type that carries it.
 */
function measure(s: RouteState, r: number[], own: number): boolean {
  const { dist, demand, service, capacity, maxDuration, n, mixedFleet, vehicleTypes } = s.inst;
  const size = n + 1;
  let prev = 0;
  let travel = 0;
  let load = 0;
  let serviceSum = 0;
  for (const c of r) {
    travel += dist[prev * size + c];
    load += demand[c];
    serviceSum += service[c];
    prev = c;
  }
  if (r.length > 0) travel += dist[prev * size];
  if (load > capacity + 1e-9 || travel + serviceSum > maxDuration + 1e-9) return false;
  measured.cost = travel;
  measured.type = s.vtype[own];
  if (mixedFleet) {
    let type = s.vtype[own];
    if (load > vehicleTypes[type].capacity + 1e-9) {
      type = bestType(s, load, travel, own);
      const t = vehicleTypes[type];
      if (t.capacity + 1e-9 < load || s.used[type] >= t.count) return false;
    }
    const t = vehicleTypes[type];
    measured.type = type;
    measured.cost = r.length > 0 ? t.fixedCost + t.unitDistanceCost * travel : 0;
  }
  measured.warp = s.inst.hasTimeWindows ? routeTimeWarp(s.inst, r) : 0;
  return true;
}
