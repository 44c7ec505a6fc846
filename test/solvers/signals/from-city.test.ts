// City-file adapters: every intersection and corridor of a generated city gets a valid plan from lane-group demand.
import { describe, expect, it } from 'vitest';
import { generateCity, type Intersection } from '../../../src/city/index.js';
import {
  checkCorridor,
  checkPlan,
  corridorFromCity,
  intersectionFromCity,
  planCorridor,
  planIntersection,
  type IntersectionDemand,
} from '../../../solvers/signals/index.js';
import { mulberry32 as rng } from '../../../src/random.js';

const city = generateCity({ seed: 3, intersections: 16 });

function demandFor(x: Intersection, seed: number): IntersectionDemand {
  const r = rng(seed);
  return Object.fromEntries(
    x.approaches.flatMap((a) =>
      a.laneGroups.map((g) => [
        g.id,
        Math.round(g.lanes * (g.movements.includes('through') ? 350 : 120) * (0.5 + r())),
      ]),
    ),
  );
}

describe('intersectionFromCity / corridorFromCity', () => {
  it('plans every generated intersection, stage and NEMA, and the plans pass the checker', () => {
    expect(city.intersections.some((x) => x.controller === 'nema')).toBe(true);
    expect(city.intersections.some((x) => x.controller === 'stage')).toBe(true);
    city.intersections.forEach((x, i) => {
      const input = intersectionFromCity(x, demandFor(x, i + 1));
      const plan = planIntersection(input);
      expect(checkPlan(input, plan), x.id).toEqual([]);
      expect(plan.phases.map((p) => p.phase).sort()).toEqual(x.phases.map((p) => p.id).sort());
    });
  });

  it('splits a shared lane group total with 10% per turning movement and marks opposed shared lefts permitted', () => {
    const x = city.intersections.find(
      (i) =>
        i.controller === 'stage' &&
        i.approaches.some((a) => a.laneGroups.some((g) => g.movements.length === 2 && g.movements.includes('left'))),
    );
    expect(x).toBeDefined();
    const input = intersectionFromCity(x!, demandFor(x!, 9));
    const shared = input.laneGroups.find((g) => g.movements === 'LT')!;
    const total = (shared.volume.L ?? 0) + (shared.volume.T ?? 0);
    expect(shared.volume.L).toBeCloseTo(total * 0.1, 9);
    expect(shared.leftTurn).toBe('permitted');
  });

  it('coordinates every generated corridor along its arterial through lane groups', async () => {
    expect(city.corridors.length).toBeGreaterThan(0);
    const demand = Object.fromEntries(city.intersections.map((x, i) => [x.id, demandFor(x, 100 + i)]));
    for (const c of city.corridors) {
      const input = corridorFromCity(c, city.intersections, demand);
      const plan = await planCorridor(input);
      expect(checkCorridor(input, plan), c.id).toEqual([]);
      for (const s of input.signals) expect(s.outboundLaneGroup).not.toBe(s.inboundLaneGroup);
    }
  });

  it('names the lane group whose demand is missing', () => {
    const x = city.intersections[0];
    expect(() => intersectionFromCity(x, {})).toThrow(/no demand given for lane group/);
  });
});
