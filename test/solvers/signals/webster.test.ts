// Webster's worked example (two-phase, y = 0.4 and 0.3, L = 12 s, C0 = 77 s) reproduced through the planner.
import { describe, expect, it } from 'vitest';
import {
  checkPlan,
  DEFAULT_PLANNER_OPTIONS,
  planIntersection,
  type IntersectionInput,
} from '../../../solvers/signals/index.js';
import { criticalPath, websterCycle } from '../../../solvers/signals/cycle.js';
import { buildModel } from '../../../solvers/signals/model.js';
import { lpSplits, websterSplits } from '../../../solvers/signals/splits.js';

// The textbook example: N-S critical flow 1000 veh/h at s = 2500, E-W 900 veh/h at s = 3000, 12 s lost per
// cycle. Here 30 km/h and a 2.2 m clearing width give ITE yellow 3.0 s and all-red 1.0 s; with a 4 s start-up
// loss and 2 s extension each phase loses 6 s, so L = 12 s as in the example.
const example: IntersectionInput = {
  id: 'webster',
  cycle: { min: 30, max: 120 },
  approaches: (['N', 'E', 'S', 'W'] as const).map((leg) => ({ leg, speedKmh: 30, clearingWidthM: 2.2 })),
  laneGroups: [
    { id: 'NB', from: 'S', movements: 'T', lanes: 2, volume: { T: 1000 }, saturationFlow: 2500 },
    { id: 'SB', from: 'N', movements: 'T', lanes: 2, volume: { T: 800 }, saturationFlow: 2500 },
    { id: 'EB', from: 'W', movements: 'T', lanes: 2, volume: { T: 900 }, saturationFlow: 3000 },
    { id: 'WB', from: 'E', movements: 'T', lanes: 2, volume: { T: 600 }, saturationFlow: 3000 },
  ],
  phasing: {
    type: 'stage',
    stages: [
      { id: 'NS', laneGroups: ['NB', 'SB'] },
      { id: 'EW', laneGroups: ['EB', 'WB'] },
    ],
  },
};
const options = { startupLostTime: 4 };

describe('Webster worked example', () => {
  it('finds Y = 0.7, L = 12 s and C0 = 76.7 s, run as 77 s', () => {
    const plan = planIntersection(example, options);
    expect(plan.performance.criticalFlowRatio).toBeCloseTo(0.7, 10);
    expect(plan.performance.lostTime).toBeCloseTo(12, 10);
    expect(plan.performance.websterCycle).toBeCloseTo(23 / 0.3, 6);
    expect(plan.pattern.cycleTime).toBe(77);
    expect(plan.cycleSource).toBe('webster');
    expect(checkPlan(example, plan, DEFAULT_PLANNER_OPTIONS.greenExtension - options.startupLostTime)).toEqual([]);
  });

  it('splits effective green 65 s in proportion 0.4 : 0.3 (37.1 s and 27.9 s), as does the LP', () => {
    const opts = { ...DEFAULT_PLANNER_OPTIONS, ...options };
    const model = buildModel(example, opts);
    const path = criticalPath(model);
    const webster = websterSplits(model, 77, path)!;
    expect(webster[0] - 6).toBeCloseTo((65 * 0.4) / 0.7, 6);
    expect(webster[1] - 6).toBeCloseTo((65 * 0.3) / 0.7, 6);
    const lp = lpSplits(model, 77);
    expect(lp[0]).toBeCloseTo(webster[0], 4);
    expect(lp[1]).toBeCloseTo(webster[1], 4);
    expect(websterCycle(12, 0.7)).toBeCloseTo(76.667, 3);
  });

  it('rounds the plan to whole seconds 43 + 34 = 77 with 3.0 s yellow and 1.0 s all-red', () => {
    const plan = planIntersection(example, options);
    expect(plan.phases.map((p) => p.splitTime)).toEqual([43, 34]);
    expect(plan.phases.map((p) => [p.yellowChange, p.redClear])).toEqual([
      [3, 1],
      [3, 1],
    ]);
    expect(plan.phases[1].start).toBe(43);
  });
});
