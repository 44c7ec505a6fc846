import { describe, expect, it } from 'vitest';
import { checkSolution, parseVrplib, solveCvrp, type CvrpInstance } from '../../../solvers/routing/index.js';
import { randomVrplib } from './generate.js';

let tick = 0;
// A fake clock far from any deadline: runs stop on the iteration cap, so results depend on the seed only.
const now = (): number => tick++ * 1e-6;

/** Exact optimum by dynamic programming over customer subsets (tiny instances only). */
function optimum(inst: CvrpInstance): number {
  const n = inst.n;
  const side = n + 1;
  const full = 1 << n;
  const tsp = new Float64Array(full * n).fill(Infinity);
  for (let c = 0; c < n; c++) tsp[(1 << c) * n + c] = inst.dist[c + 1];
  for (let set = 1; set < full; set++) {
    for (let last = 0; last < n; last++) {
      const v = tsp[set * n + last];
      if (!(set & (1 << last)) || v === Infinity) continue;
      for (let next = 0; next < n; next++) {
        if (set & (1 << next)) continue;
        const s2 = set | (1 << next);
        const w = v + inst.dist[(last + 1) * side + next + 1];
        if (w < tsp[s2 * n + next]) tsp[s2 * n + next] = w;
      }
    }
  }
  const route = new Float64Array(full).fill(Infinity);
  for (let set = 1; set < full; set++) {
    let load = 0;
    for (let c = 0; c < n; c++) if (set & (1 << c)) load += inst.demand[c + 1];
    if (load > inst.capacity) continue;
    for (let last = 0; last < n; last++)
      route[set] = Math.min(route[set], tsp[set * n + last] + inst.dist[(last + 1) * side]);
  }
  const best = new Float64Array(full).fill(Infinity);
  best[0] = 0;
  for (let set = 1; set < full; set++) {
    const low = set & -set;
    for (let sub = set; sub > 0; sub = (sub - 1) & set) {
      if (sub & low) best[set] = Math.min(best[set], route[sub] + best[set ^ sub]);
    }
  }
  return best[full - 1];
}

describe('solveCvrp', () => {
  it('finds the proven optimum of small instances', async () => {
    for (const seed of [1, 2, 3]) {
      const inst = parseVrplib(randomVrplib({ name: `T-n10-${seed}`, n: 9, seed, capacity: 60 })).instance;
      const result = await solveCvrp(inst, { timeLimitMs: 60_000, seed, now, maxIterations: 3000 });
      const report = checkSolution(inst, result.routes);
      expect(report.violations).toEqual([]);
      expect(report.cost).toBeCloseTo(result.cost, 9);
      expect(result.cost).toBeCloseTo(optimum(inst), 9);
    }
  });

  it('returns feasible solutions within capacity, route length and service time', async () => {
    const inst = parseVrplib(
      randomVrplib({ name: 'CMT-like', n: 60, seed: 7, capacity: 100, distance: 2600, serviceTime: 40 }),
    ).instance;
    const result = await solveCvrp(inst, { timeLimitMs: 60_000, seed: 3, now, maxIterations: 4000 });
    const report = checkSolution(inst, result.routes);
    expect(report.violations).toEqual([]);
    expect(report.cost).toBeCloseTo(result.cost, 6);
  });

  it('is deterministic for a seed and iteration count', async () => {
    const inst = parseVrplib(randomVrplib({ name: 'X-like', n: 80, seed: 11, capacity: 90 })).instance;
    const a = await solveCvrp(inst, { timeLimitMs: 60_000, seed: 5, now, maxIterations: 2500 });
    const b = await solveCvrp(inst, { timeLimitMs: 60_000, seed: 5, now, maxIterations: 2500 });
    expect(a.routes).toEqual(b.routes);
    expect(checkSolution(inst, a.routes).violations).toEqual([]);
  });

  it('improves on the savings start as iterations grow', async () => {
    const inst = parseVrplib(randomVrplib({ name: 'X-like', n: 100, seed: 5, capacity: 120 })).instance;
    const short = await solveCvrp(inst, { timeLimitMs: 60_000, seed: 1, now, maxIterations: 1 });
    const long = await solveCvrp(inst, { timeLimitMs: 60_000, seed: 1, now, maxIterations: 20_000 });
    expect(checkSolution(inst, long.routes).violations).toEqual([]);
    expect(long.cost).toBeLessThan(short.cost);
  });

  it('rejects a demand above capacity and a customer out of reach of the route limit', async () => {
    const over = parseVrplib(randomVrplib({ name: 'bad', n: 5, seed: 1, capacity: 10 })).instance;
    await expect(solveCvrp(over, { timeLimitMs: 1000, now, maxIterations: 10 })).rejects.toThrow(
      /above the vehicle capacity 10/,
    );
    const far = parseVrplib(randomVrplib({ name: 'bad', n: 5, seed: 1, capacity: 100, distance: 50 })).instance;
    await expect(solveCvrp(far, { timeLimitMs: 1000, now, maxIterations: 10 })).rejects.toThrow(
      /cannot be served within the route limit 50/,
    );
  });
});
