import { describe, expect, it } from 'vitest';
import { generateCity } from '../../../../src/city/index.js';
import {
  checkCollectionPlan,
  collectionRequestForDepot,
  planCollection,
  type BinLevel,
} from '../../../../solvers/routing/index.js';

let tick = 0;
const now = (): number => tick++ * 1e-6;

describe('collectionRequestForDepot', () => {
  it('turns a generated city depot and its bin levels into a plan that passes the checker', async () => {
    const city = generateCity({ seed: 3, bins: 80, depots: 2, trucksPerDepot: 2 });
    const levels = new Map<string, BinLevel>();
    city.waste.bins.forEach((b, i) =>
      levels.set(b.id, { fill: 0.3 + (i % 7) * 0.1, forecastFill: 0.5 + (i % 5) * 0.15 }),
    );
    const req = collectionRequestForDepot(city.waste, 'depot-1', levels, '06:00');
    expect(req.bins.length).toBe(city.waste.bins.filter((b) => b.depot === 'depot-1').length);
    expect(req.trucks.map((t) => t.id)).toEqual(
      city.waste.trucks.filter((t) => t.depot === 'depot-1').map((t) => t.id),
    );
    const plan = await planCollection(req, { timeLimitMs: 60_000, seed: 2, now, maxIterations: 1000 });
    expect(checkCollectionPlan(req, plan)).toEqual([]);
    expect(plan.trucks.length).toBeGreaterThan(0);
  });

  it('names an unknown depot and a malformed shift start', () => {
    const city = generateCity({ seed: 1, bins: 4, depots: 1, trucksPerDepot: 1 });
    expect(() => collectionRequestForDepot(city.waste, 'nowhere', new Map(), '06:00')).toThrow(
      /unknown depot "nowhere"/,
    );
    expect(() => collectionRequestForDepot(city.waste, 'depot-1', new Map(), '6am')).toThrow(
      /shiftStart must be a time HH:MM/,
    );
  });
});
