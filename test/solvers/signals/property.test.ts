// Property tests on generated intersections: every plan passes the checker, and the LP split never does worse than Webster's.
import { describe, expect, it } from 'vitest';
import {
  checkPlan,
  DEFAULT_PLANNER_OPTIONS,
  planIntersection,
  type IntersectionInput,
} from '../../../solvers/signals/index.js';
import { chooseCycle, criticalPath } from '../../../solvers/signals/cycle.js';
import { randomIntersection } from '../../../solvers/signals/generate.js';
import { buildModel } from '../../../solvers/signals/model.js';
import { lpSplits, maxDegreeOfSaturation, websterSplits } from '../../../solvers/signals/splits.js';

describe('generated intersections', () => {
  it('LP splits never have a larger maximum degree of saturation than Webster proportional splits', () => {
    let compared = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const input = randomIntersection(seed, 0.5 + (seed % 7) / 5);
      const model = buildModel(input, DEFAULT_PLANNER_OPTIONS);
      const path = criticalPath(model);
      const { cycle } = chooseCycle(model, path, DEFAULT_PLANNER_OPTIONS);
      const webster = websterSplits(model, cycle, path);
      // Webster's split ignores minimums; compare only where it is itself a feasible plan.
      if (!webster || webster.some((s, i) => s < model.phases[i].minSplit - 1e-9)) continue;
      compared++;
      const lp = lpSplits(model, cycle);
      expect(maxDegreeOfSaturation(model, cycle, lp)).toBeLessThanOrEqual(
        maxDegreeOfSaturation(model, cycle, webster) + 1e-6,
      );
    }
    expect(compared).toBeGreaterThan(150);
  });

  it('every plan passes the independent checker, under- and oversaturated alike', () => {
    let oversaturated = 0;
    for (let seed = 1000; seed < 1300; seed++) {
      const input = randomIntersection(seed, 0.3 + (seed % 10) / 5);
      const plan = planIntersection(input);
      expect(checkPlan(input, plan), `seed ${seed}`).toEqual([]);
      if (plan.oversaturated) {
        oversaturated++;
        expect(plan.pattern.cycleTime).toBe(180);
      }
    }
    expect(oversaturated).toBeGreaterThan(10);
  });

  it('inside each ring of a barrier, phases above their minimum end at one common degree of saturation', () => {
    let segments = 0;
    for (let seed = 2000; seed < 2200; seed++) {
      const input = randomIntersection(seed, 0.4 + (seed % 9) / 6);
      const model = buildModel(input, DEFAULT_PLANNER_OPTIONS);
      const path = criticalPath(model);
      const { cycle } = chooseCycle(model, path, DEFAULT_PLANNER_OPTIONS);
      const splits = lpSplits(model, cycle);
      for (const ring of model.rings) {
        for (const phases of ring) {
          const free = phases.filter((p) => splits[p] > model.phases[p].minSplit + 1e-6);
          if (free.length < 2) continue;
          segments++;
          const x = free.map((p) =>
            Math.max(
              ...model.phases[p].laneGroups.map(
                (g) => (model.laneGroups[g].flowRatio * cycle) / (splits[p] - model.phases[p].lostTime),
              ),
            ),
          );
          expect(Math.max(...x) - Math.min(...x), `seed ${seed}`).toBeLessThan(1e-6);
        }
      }
    }
    expect(segments).toBeGreaterThan(100);
  });

  it('equalizes the degrees of saturation of both stages at Cmax when oversaturated', () => {
    const input: IntersectionInput = {
      id: 'over',
      cycle: { min: 40, max: 120 },
      approaches: (['N', 'E', 'S', 'W'] as const).map((leg) => ({ leg, speedKmh: 50, clearingWidthM: 15 })),
      laneGroups: [
        { id: 'N', from: 'N', movements: 'T', lanes: 1, volume: { T: 1100 }, saturationFlow: 1800 },
        { id: 'S', from: 'S', movements: 'T', lanes: 1, volume: { T: 900 }, saturationFlow: 1800 },
        { id: 'E', from: 'E', movements: 'T', lanes: 1, volume: { T: 1000 }, saturationFlow: 1800 },
        { id: 'W', from: 'W', movements: 'T', lanes: 1, volume: { T: 700 }, saturationFlow: 1800 },
      ],
      phasing: {
        type: 'stage',
        stages: [
          { id: 'NS', laneGroups: ['N', 'S'] },
          { id: 'EW', laneGroups: ['E', 'W'] },
        ],
      },
    };
    const plan = planIntersection(input);
    expect(plan.oversaturated).toBe(true);
    expect(plan.cycleSource).toBe('oversaturated');
    expect(plan.pattern.cycleTime).toBe(120);
    expect(checkPlan(input, plan)).toEqual([]);
    const model = buildModel(input, DEFAULT_PLANNER_OPTIONS);
    const splits = lpSplits(model, 120);
    const vc = (i: number): number =>
      (model.laneGroups[i].flowRatio * 120) /
      (splits[model.laneGroups[i].phases[0]] - model.phases[model.laneGroups[i].phases[0]].lostTime);
    expect(vc(0)).toBeGreaterThan(1);
    expect(vc(0)).toBeCloseTo(vc(2), 6);
  });
});
