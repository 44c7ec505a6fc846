import { describe, expect, it } from 'vitest';
import { checkSolution, parseVrplib } from '../../../solvers/routing/index.js';
import { routeCost } from '../../../solvers/routing/instance.js';
import { localSearch } from '../../../solvers/routing/local-search.js';
import { nearestNeighbours } from '../../../solvers/routing/neighbours.js';
import { Rng } from '../../../solvers/routing/rng.js';
import { DEFAULT_SISR, recreate, ruin } from '../../../solvers/routing/ruin-recreate.js';
import { savingsConstruction } from '../../../solvers/routing/savings.js';
import { RouteState } from '../../../solvers/routing/state.js';
import { randomVrplib } from './generate.js';

const noPenalty = { warp: 1, extraRoute: 0 };

function start(n: number, seed: number): { s: RouteState; nb: ReturnType<typeof nearestNeighbours> } {
  const inst = parseVrplib(randomVrplib({ name: `S-${n}-${seed}`, n, seed, capacity: 100 })).instance;
  const nb = nearestNeighbours(inst, 50);
  return { s: new RouteState(inst, savingsConstruction(inst, nb)), nb };
}

/** The state's own figures agree with routes recomputed from scratch. */
function expectConsistent(s: RouteState): void {
  const report = checkSolution(s.inst, s.routes);
  expect(report.violations).toEqual([]);
  expect(s.cost).toBeCloseTo(report.cost, 6);
  s.routes.forEach((r, i) => {
    expect(s.travel[i]).toBeCloseTo(routeCost(s.inst, r), 6);
    for (const c of r) expect(s.routeOf[c]).toBe(i);
  });
}

describe('ruin and recreate on a clone', () => {
  it('leaves the state it was cloned from untouched, however many iterations run on clones', () => {
    const { s, nb } = start(120, 3);
    const original = s.routes.map((r) => r.slice());
    const originalCost = s.cost;
    const rng = new Rng(7);
    let cur = s.clone();
    // As the search does it: each candidate reuses the arrays of the state the last iteration left behind.
    let spare: RouteState | null = null;
    for (let it = 0; it < 300; it++) {
      const cand: RouteState = spare ? spare.copyFrom(cur) : cur.clone();
      recreate(cand, ruin(cand, nb, rng, DEFAULT_SISR), rng, DEFAULT_SISR, noPenalty, nb);
      expectConsistent(cand);
      // The previous state must not have been changed through a shared route array.
      expectConsistent(cur);
      if (rng.next() < 0.5) {
        spare = cur;
        cur = cand;
      } else spare = cand;
    }
    expect(s.routes).toEqual(original);
    expect(s.cost).toBe(originalCost);
  });

  it('reports as changed exactly the routes the iteration wrote', () => {
    const { s, nb } = start(80, 5);
    const cand = s.clone();
    const before = new Set(s.routes);
    recreate(cand, ruin(cand, nb, new Rng(2), DEFAULT_SISR), new Rng(3), DEFAULT_SISR, noPenalty, nb);
    const changed = cand.changedRoutes();
    expect(changed.size).toBeGreaterThan(0);
    for (const r of cand.routes) expect(changed.has(r)).toBe(!before.has(r));
  });
});

describe('localSearch', () => {
  it('searches the same moves with every route marked changed as without marks', () => {
    const { s, nb } = start(150, 9);
    const a = s.clone();
    const b = s.clone();
    localSearch(a, nb, new Rng(4), 20, 1e9);
    localSearch(b, nb, new Rng(4), 20, 1e9, new Set(b.routes));
    expect(b.routes).toEqual(a.routes);
    expectConsistent(a);
  });

  it('improves a recreated candidate when told only which routes changed, keeping it feasible', () => {
    const { s, nb } = start(150, 11);
    localSearch(s, nb, new Rng(1), 20, 1e9);
    const rng = new Rng(5);
    let improvedSome = false;
    for (let it = 0; it < 30; it++) {
      const cand = s.clone();
      recreate(cand, ruin(cand, nb, rng, DEFAULT_SISR), rng, DEFAULT_SISR, noPenalty, nb);
      const before = cand.cost;
      localSearch(cand, nb, rng, 20, 1e9, cand.changedRoutes());
      expectConsistent(cand);
      expect(cand.cost).toBeLessThanOrEqual(before + 1e-9);
      if (cand.cost < before - 1e-9) improvedSome = true;
    }
    expect(improvedSome).toBe(true);
  });
});
