import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkSolution,
  euclideanMatrix,
  makeInstance,
  parseInstance,
  parseSolomon,
  routeTimeWarp,
  solveCvrp,
  type CvrpInstance,
} from '../../../solvers/routing/index.js';
import { routeTimes, warpWithInsertion } from '../../../solvers/routing/time-warp.js';
import { randomSolomon } from './generate-vrptw.js';

let tick = 0;
// A fake clock far from any deadline: runs stop on the iteration cap, so results depend on the seed only.
const now = (): number => tick++ * 1e-6;

const FIXTURE = new URL('../../fixtures/routing/tw-n25.txt', import.meta.url).pathname;

/** Exact optimum of a tiny VRPTW by labels (cost, time) per (customer set, last customer), then set partitioning. */
function optimum(inst: CvrpInstance): number {
  const n = inst.n;
  const side = n + 1;
  const full = 1 << n;
  type Label = [cost: number, time: number];
  const labels: Label[][] = Array.from({ length: full * n }, () => []);
  const push = (at: number, l: Label): void => {
    const list = labels[at];
    if (list.some(([c, t]) => c <= l[0] && t <= l[1])) return;
    labels[at] = list.filter(([c, t]) => !(l[0] <= c && l[1] <= t)).concat([l]);
  };
  const serve = (from: number, time: number, to: number): number => {
    const begin = Math.max(time + inst.dist[from * side + to], inst.readyTime[to]);
    return begin > inst.dueTime[to] ? Infinity : begin + inst.service[to];
  };
  for (let c = 0; c < n; c++) {
    const t = serve(0, inst.readyTime[0], c + 1);
    if (t < Infinity) push((1 << c) * n + c, [inst.dist[c + 1], t]);
  }
  for (let set = 1; set < full; set++) {
    for (let last = 0; last < n; last++) {
      for (const [cost, time] of labels[set * n + last]) {
        for (let next = 0; next < n; next++) {
          if (set & (1 << next)) continue;
          const t = serve(last + 1, time, next + 1);
          if (t < Infinity) push((set | (1 << next)) * n + next, [cost + inst.dist[(last + 1) * side + next + 1], t]);
        }
      }
    }
  }
  const route = new Float64Array(full).fill(Infinity);
  for (let set = 1; set < full; set++) {
    let load = 0;
    for (let c = 0; c < n; c++) if (set & (1 << c)) load += inst.demand[c + 1];
    if (load > inst.capacity) continue;
    for (let last = 0; last < n; last++) {
      for (const [cost, time] of labels[set * n + last]) {
        if (time + inst.dist[(last + 1) * side] <= inst.dueTime[0])
          route[set] = Math.min(route[set], cost + inst.dist[(last + 1) * side]);
      }
    }
  }
  const best = new Float64Array(full).fill(Infinity);
  best[0] = 0;
  for (let set = 1; set < full; set++) {
    const low = set & -set;
    for (let sub = set; sub > 0; sub = (sub - 1) & set)
      if (sub & low) best[set] = Math.min(best[set], route[sub] + best[set ^ sub]);
  }
  return best[full - 1];
}

describe('time windows', () => {
  it('evaluates an insertion from the route summaries exactly as driving the new route does', () => {
    const { instance } = parseInstance(
      randomSolomon({ name: 'W', n: 30, seed: 4, routes: 3, vehicles: 5, windowWidth: 40 }).text,
      'W',
    );
    let s = 9;
    const rand = (k: number): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % k;
    };
    for (let trial = 0; trial < 300; trial++) {
      const ids = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => rand(3) - 1);
      const route = ids.slice(0, rand(12));
      const c = ids[20];
      const at = rand(route.length + 1);
      const expected = routeTimeWarp(instance, [...route.slice(0, at), c, ...route.slice(at)]);
      expect(warpWithInsertion(instance, routeTimes(instance, route), route, at, c)).toBeCloseTo(expected, 9);
    }
  });

  it('finds the proven optimum of tiny instances with tight windows', async () => {
    for (const seed of [1, 2, 3]) {
      const { instance } = parseInstance(
        randomSolomon({ name: `T${seed}`, n: 8, seed, routes: 3, vehicles: 8, windowWidth: 15 }).text,
        'T',
      );
      const result = await solveCvrp(instance, { timeLimitMs: 60_000, seed, now, maxIterations: 3000 });
      expect(checkSolution(instance, result.routes).violations).toEqual([]);
      expect(result.feasible).toBe(true);
      expect(result.cost).toBe(optimum(instance));
    }
  });

  it('keeps every window and the fleet limit on a 25-customer Solomon file, at most the cost of a known plan', async () => {
    const instance = parseSolomon(readFileSync(FIXTURE, 'utf8'));
    expect(instance.n).toBe(25);
    expect(instance.maxVehicles).toBe(5);
    const known = [
      [1, 5, 9, 13, 17, 21, 25],
      [2, 6, 10, 14, 18, 22],
      [3, 7, 11, 15, 19, 23],
      [4, 8, 12, 16, 20, 24],
    ];
    const knownReport = checkSolution(instance, known);
    expect(knownReport.violations).toEqual([]);
    for (const seed of [1, 2]) {
      const result = await solveCvrp(instance, { timeLimitMs: 60_000, seed, now, maxIterations: 4000 });
      const report = checkSolution(instance, result.routes);
      expect(report.violations).toEqual([]);
      expect(report.cost).toBe(result.cost);
      expect(result.cost).toBeLessThanOrEqual(knownReport.cost);
    }
  });

  it('never returns a late arrival on generated instances of varied tightness, and says when the fleet is too small', async () => {
    for (const [seed, width, vehicles] of [
      [5, 5, 6],
      [5, 5, 12],
      [6, 30, 6],
      [7, 120, 6],
    ]) {
      const { instance } = parseInstance(
        randomSolomon({ name: 'V', n: 40, seed, routes: 5, vehicles, windowWidth: width }).text,
        'V',
      );
      const result = await solveCvrp(instance, { timeLimitMs: 60_000, seed, now, maxIterations: 1500 });
      const violations = checkSolution(instance, result.routes).violations;
      const overFleet = `${result.routes.length} routes, more than the ${vehicles} vehicles`;
      // Windows, capacity and coverage always hold; only the vehicle count may be beyond reach, and then the result says so.
      expect(
        violations.filter((v) => v !== overFleet),
        `seed ${seed}`,
      ).toEqual([]);
      expect(result.feasible).toBe(result.routes.length <= vehicles);
      if (vehicles >= 12 || width >= 30) expect(result.feasible, `seed ${seed}`).toBe(true);
    }
  });

  it('reads Solomon files in the DIMACS convention: distances and times ×10, truncated', () => {
    const inst = parseSolomon(
      'T\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nCUST NO. X Y DEMAND READY DUE SERVICE\n\n0 0 0 0 0 100 0\n1 1 1 3 5 20 2.5\n2 3 4 4 0 50 1\n',
    );
    expect(inst.dist[1]).toBe(14);
    expect(inst.dist[2]).toBe(50);
    expect([inst.readyTime[1], inst.dueTime[1], inst.service[1], inst.dueTime[0]]).toEqual([50, 200, 25, 1000]);
    expect(inst.hasTimeWindows).toBe(true);
    expect(inst.maxVehicles).toBe(2);
    expect(() => parseSolomon('T\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 100 0\n1 1 1 3 5\n')).toThrow(
      /line 6: expected 7 numbers/,
    );
  });

  it('refuses a customer whose window cannot be met even on its own trip', async () => {
    const inst = makeInstance({
      name: 'far',
      n: 1,
      dist: euclideanMatrix([0, 100], [0, 0], true),
      demand: [0, 1],
      capacity: 5,
      readyTime: [0, 0],
      dueTime: [1000, 50],
    });
    await expect(solveCvrp(inst, { timeLimitMs: 1000, now })).rejects.toMatchObject({ code: 'UF_ERR_INPUT' });
  });
});

describe('checkSolution with time windows and a fleet', () => {
  const inst = makeInstance({
    name: 'line',
    n: 3,
    dist: euclideanMatrix([0, 1, 2, 3], [0, 0, 0, 0], true),
    demand: [0, 1, 1, 1],
    capacity: 10,
    service: [0, 1, 1, 1],
    readyTime: [0, 5, 0, 0],
    dueTime: [20, 10, 4, 20],
    maxVehicles: 2,
  });

  it('waits for a window to open and accepts service that starts before it closes', () => {
    expect(checkSolution(inst, [[2], [1, 3]]).violations).toEqual([]);
  });

  it('reports late service, a late return and too many routes', () => {
    expect(checkSolution(inst, [[1, 2], [3]]).violations).toContain(
      'route 0 reaches customer 2 at 7, after its window closes at 4',
    );
    expect(checkSolution(inst, [[2], [1], [3]]).violations).toContain('3 routes, more than the 2 vehicles');
    const tight = makeInstance({ ...inst, demand: inst.demand, dueTime: [5, 10, 4, 20], readyTime: inst.readyTime });
    expect(checkSolution(tight, [[2], [1, 3]]).violations).toContain(
      'route 1 returns to the depot at 12, after it closes at 5',
    );
  });
});
