// Intersection plans: the shipped example, NEMA and stage phasing, oversaturation, each plan run through the checker.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, planIntersection, type IntersectionInput } from '../../../solvers/signals/index.js';

const example = JSON.parse(readFileSync(new URL('../../fixtures/signals/main-street.json', import.meta.url), 'utf8')).intersections[0] as IntersectionInput;

describe('planIntersection', () => {
  it('plans the shipped NEMA example and the plan passes the checker', () => {
    const plan = planIntersection(example);
    expect(checkPlan(example, plan)).toEqual([]);
    expect(plan.oversaturated).toBe(false);
    expect(plan.pattern.sequence).toEqual([
      [['1', '2'], ['3', '4']],
      [['5', '6'], ['7', '8']],
    ]);
    expect(plan.performance.maxDegreeOfSaturation).toBeLessThan(1);
    expect(plan.performance.reserveCapacityPercent).not.toBeNull();
    const p2 = plan.phases.find((p) => p.phase === '2')!;
    expect(p2.walk).toBe(7);
    expect(p2.pedestrianClear).toBe(Math.ceil(16 / 1.07));
    expect(p2.green).toBeGreaterThanOrEqual(p2.walk + p2.pedestrianClear);
  });
});
