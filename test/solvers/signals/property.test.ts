// Property tests on generated intersections: every plan passes the checker, and the LP split never does worse than Webster's.
import { describe, expect, it } from 'vitest';
import { checkPlan, DEFAULT_PLANNER_OPTIONS, planIntersection } from '../../../solvers/signals/index.js';
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
      expect(maxDegreeOfSaturation(model, cycle, lp)).toBeLessThanOrEqual(maxDegreeOfSaturation(model, cycle, webster) + 1e-6);
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

  it('equalizes the critical degrees of saturation when oversaturated', () => {
    const input = randomIntersection(7, 3);
    const plan = planIntersection(input);
    expect(plan.oversaturated).toBe(true);
    expect(plan.cycleSource).toBe('oversaturated');
    const critical = plan.performance.laneGroups.filter((g) => g.vc > 1);
    expect(critical.length).toBeGreaterThan(0);
  });
});
