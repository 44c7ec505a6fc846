import { describe, expect, it } from 'vitest';
import { euclideanMatrix, makeInstance, type CvrpInstance } from '../../../solvers/routing/index.js';
import { nearestNeighbours } from '../../../solvers/routing/neighbours.js';
import { Rng } from '../../../solvers/routing/rng.js';
import { DEFAULT_SISR, recreate, ruin, ruinRoute } from '../../../solvers/routing/ruin-recreate.js';
import { RouteState } from '../../../solvers/routing/state.js';

/** 30 customers on a 100 × 100 square, each with a window of `width` opening in the first 200 time units. */
function instance(capacity: number, width: number): CvrpInstance {
  let s = 11;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const n = 30;
  const xs = [50];
  const ys = [50];
  for (let c = 1; c <= n; c++) {
    xs.push(Math.floor(rand() * 100));
    ys.push(Math.floor(rand() * 100));
  }
  const readyTime = [0];
  const dueTime = [10_000];
  for (let c = 1; c <= n; c++) {
    readyTime.push(Math.floor(rand() * 200));
    dueTime.push(readyTime[c] + width);
  }
  return makeInstance({
    name: `w${width}`,
    n,
    dist: euclideanMatrix(xs, ys, false),
    demand: [0, ...Array.from({ length: n }, () => 10)],
    capacity,
    service: [0, ...Array.from({ length: n }, () => 5)],
    readyTime,
    dueTime,
  });
}

/** Five routes of six customers each, in customer order. */
function fiveRoutes(inst: CvrpInstance): RouteState {
  return new RouteState(
    inst,
    Array.from({ length: 5 }, (_, r) => Array.from({ length: 6 }, (_, i) => 1 + r * 6 + i)),
  );
}

function expectEveryCustomerOnce(s: RouteState): void {
  const seen = s.routes.flat().sort((a, b) => a - b);
  expect(seen).toEqual(Array.from({ length: s.inst.n }, (_, i) => i + 1));
  s.routes.forEach((r, i) => {
    for (const c of r) expect(s.routeOf[c]).toBe(i);
    expect(s.load[i]).toBeLessThanOrEqual(s.inst.capacity);
  });
}

describe('route elimination', () => {
  it('empties one whole route, and a recreate that may not open a route places its customers in the others', () => {
    const inst = instance(200, 400);
    const nb = nearestNeighbours(inst, 20);
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const s = fiveRoutes(inst);
      const emptied = ruinRoute(s, rng);
      expect(emptied).toHaveLength(6);
      const removed = [...emptied, ...ruin(s, nb, rng, DEFAULT_SISR)];
      recreate(s, removed, rng, DEFAULT_SISR, { warp: 1, extraRoute: 0, newRoute: Infinity }, nb);
      // The string ruin may empty more routes; none is opened in their place.
      expect(s.routes.length).toBeLessThanOrEqual(4);
      expectEveryCustomerOnce(s);
    }
  });

  it('opens a route all the same when no other route has the capacity', () => {
    // Six customers of 10 fill a vehicle of 60: the emptied route's customers fit nowhere else.
    const inst = instance(60, 400);
    const nb = nearestNeighbours(inst, 20);
    const rng = new Rng(3);
    const s = fiveRoutes(inst);
    const emptied = ruinRoute(s, rng);
    recreate(s, emptied, rng, DEFAULT_SISR, { warp: 1, extraRoute: 0, newRoute: Infinity }, nb);
    expect(s.routes).toHaveLength(5);
    expectEveryCustomerOnce(s);
  });

  it('with narrow windows, opens routes when it may and keeps to the others when it may not', () => {
    const inst = instance(200, 5);
    const nb = nearestNeighbours(inst, 20);
    let reopened = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const open = fiveRoutes(inst);
      const closed = fiveRoutes(inst);
      const rngOpen = new Rng(seed);
      recreate(open, ruinRoute(open, rngOpen), rngOpen, DEFAULT_SISR, { warp: 1e6, extraRoute: 0 }, nb);
      const rngClosed = new Rng(seed);
      const emptied = ruinRoute(closed, rngClosed);
      recreate(closed, emptied, rngClosed, DEFAULT_SISR, { warp: 1e6, extraRoute: 0, newRoute: Infinity }, nb);
      expectEveryCustomerOnce(open);
      expectEveryCustomerOnce(closed);
      if (open.routes.length > 4) reopened++;
      expect(closed.routes).toHaveLength(4);
    }
    // Late arrivals priced high: the emptied customers mostly go back to routes of their own.
    expect(reopened).toBeGreaterThan(10);
  });
});
