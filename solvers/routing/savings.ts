// Clarke-Wright parallel savings: the construction the metaheuristic starts from.
import type { CvrpInstance } from './instance.js';
import type { NeighbourLists } from './neighbours.js';
import { routeTimeWarp } from './time-warp.js';

/** Routes built by merging out-and-back tours in decreasing order of saving, within capacity, duration and time windows. */
export function savingsConstruction(inst: CvrpInstance, nb: NeighbourLists): number[][] {
  const { n, dist, demand, service, capacity, maxDuration } = inst;
  const size = n + 1;
  const routes: (number[] | null)[] = [];
  const routeOf = new Int32Array(size);
  const load: number[] = [];
  const dur: number[] = [];
  for (let c = 1; c <= n; c++) {
    routeOf[c] = routes.length;
    routes.push([c]);
    load.push(demand[c]);
    dur.push(dist[c] + dist[c * size] + service[c]);
  }
  const pairs: Array<[number, number, number]> = [];
  for (let i = 1; i <= n; i++) {
    for (let t = 0; t < nb.k; t++) {
      const j = nb.list[i * nb.k + t];
      if (j > i || !isNeighbour(nb, j, i)) pairs.push([dist[i] + dist[j] - dist[i * size + j], i, j]);
    }
  }
  pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  for (const [saving, i, j] of pairs) {
    if (saving <= 0) break;
    const ri = routeOf[i];
    const rj = routeOf[j];
    if (ri === rj) continue;
    const a = routes[ri]!;
    const b = routes[rj]!;
    if (load[ri] + load[rj] > capacity) continue;
    const aEnd = a[a.length - 1] === i ? 1 : a[0] === i ? 0 : -1;
    const bEnd = b[0] === j ? 0 : b[b.length - 1] === j ? 1 : -1;
    if (aEnd < 0 || bEnd < 0) continue;
    const d = dur[ri] + dur[rj] - saving;
    if (d > maxDuration) continue;
    // Orient so that i ends the first part and j starts the second.
    const first = aEnd === 1 ? a : a.slice().reverse();
    const second = bEnd === 0 ? b : b.slice().reverse();
    const merged = first.concat(second);
    if (inst.hasTimeWindows && routeTimeWarp(inst, merged) > 0) continue;
    routes[ri] = merged;
    routes[rj] = null;
    load[ri] += load[rj];
    dur[ri] = d;
    for (const c of second) routeOf[c] = ri;
  }
  return routes.filter((r): r is number[] => r !== null);
}

function isNeighbour(nb: NeighbourLists, i: number, j: number): boolean {
  for (let t = 0; t < nb.k; t++) if (nb.list[i * nb.k + t] === j) return true;
  return false;
}
