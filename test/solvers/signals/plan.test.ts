// Intersection plans: the shipped example, NEMA and stage phasing, oversaturation, each plan run through the checker.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, planIntersection, type IntersectionInput } from '../../../solvers/signals/index.js';

const example = JSON.parse(readFileSync(new URL('../../fixtures/signals/main-street.json', import.meta.url), 'utf8'))
  .intersections[0] as IntersectionInput;

describe('planIntersection', () => {
  it('plans the shipped NEMA example and the plan passes the checker', () => {
    const plan = planIntersection(example);
    expect(checkPlan(example, plan)).toEqual([]);
    expect(plan.oversaturated).toBe(false);
    expect(plan.pattern.sequence).toEqual([
      [
        ['1', '2'],
        ['3', '4'],
      ],
      [
        ['5', '6'],
        ['7', '8'],
      ],
    ]);
    expect(plan.performance.maxDegreeOfSaturation).toBeLessThan(1);
    expect(plan.performance.reserveCapacityPercent).not.toBeNull();
    const p2 = plan.phases.find((p) => p.phase === '2')!;
    expect(p2.walk).toBe(7);
    expect(p2.pedestrianClear).toBe(Math.ceil(16 / 1.07));
    expect(p2.green).toBeGreaterThanOrEqual(p2.walk + p2.pedestrianClear);
  });
});

describe('NEMA layouts', () => {
  const tee = (): IntersectionInput => ({
    id: 'tee',
    approaches: (['E', 'S', 'W'] as const).map((leg) => ({ leg, speedKmh: 50, clearingWidthM: 14, crosswalkM: 12 })),
    laneGroups: [
      { id: 'EB', from: 'W', movements: 'TR', lanes: 2, volume: { T: 600, R: 90 } },
      { id: 'WB', from: 'E', movements: 'LT', lanes: 2, volume: { L: 80, T: 650 }, leftTurn: 'permitted' },
      { id: 'NB', from: 'S', movements: 'LR', lanes: 1, volume: { L: 150, R: 120 } },
    ],
    phasing: {
      type: 'nema',
      phases: [
        { id: 'east', laneGroups: ['EB'], minGreen: 10 },
        { id: 'west', laneGroups: ['WB'], minGreen: 10 },
        { id: 'side', laneGroups: ['NB'], minGreen: 6, pedestrians: ['E'] },
      ],
      rings: [
        [['east'], ['side']],
        [['west'], []],
      ],
    },
  });

  it('plans a T-junction whose second ring idles through the side-street barrier', () => {
    const input = tee();
    const plan = planIntersection(input);
    expect(checkPlan(input, plan)).toEqual([]);
    const split = (id: string): number => plan.phases.find((p) => p.phase === id)!.splitTime;
    expect(split('east')).toBe(split('west'));
    expect(split('east') + split('side')).toBe(plan.pattern.cycleTime);
  });

  it('rejects a barrier group with no phases in any ring', () => {
    const input = tee();
    if (input.phasing.type === 'nema')
      input.phasing.rings = [
        [['east', 'side'], []],
        [['west'], []],
      ];
    expect(() => planIntersection(input)).toThrow(/barrier group 2 has no phases/);
  });
});
