// Bad input: each mistake gets an error naming the problem, and no plan.
import { describe, expect, it } from 'vitest';
import { planIntersection, type IntersectionInput } from '../../../solvers/signals/index.js';
import { UrbanflowError } from '../../../src/errors.js';

function base(): IntersectionInput {
  return {
    id: 'x',
    approaches: (['N', 'E', 'S', 'W'] as const).map((leg) => ({
      leg,
      speedKmh: 50,
      clearingWidthM: 15,
      crosswalkM: 14,
    })),
    laneGroups: [
      { id: 'NS', from: 'N', movements: 'TR', lanes: 1, volume: { T: 400, R: 50 } },
      { id: 'SN', from: 'S', movements: 'TR', lanes: 1, volume: { T: 380 } },
      { id: 'EW', from: 'E', movements: 'TR', lanes: 2, volume: { T: 700 } },
      { id: 'WE', from: 'W', movements: 'TR', lanes: 2, volume: { T: 650 } },
    ],
    phasing: {
      type: 'stage',
      stages: [
        { id: 'A', laneGroups: ['NS', 'SN'] },
        { id: 'B', laneGroups: ['EW', 'WE'] },
      ],
    },
  };
}

function fails(input: IntersectionInput, code: string, message: RegExp): void {
  let err: unknown;
  try {
    planIntersection(input);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UrbanflowError);
  expect((err as UrbanflowError).code).toBe(code);
  expect((err as UrbanflowError).message).toMatch(message);
}

describe('bad intersection input', () => {
  it('accepts the base case', () => {
    expect(planIntersection(base()).pattern.cycleTime).toBeGreaterThan(0);
  });

  it('rejects a phase with no movements', () => {
    const input = base();
    if (input.phasing.type === 'stage') input.phasing.stages.push({ id: 'C', laneGroups: [] });
    fails(input, 'UF_ERR_INPUT', /stage C has no movements/);
  });

  it('rejects conflicting movements in one phase', () => {
    const input = base();
    if (input.phasing.type === 'stage') input.phasing.stages[0].laneGroups.push('EW');
    fails(input, 'UF_ERR_INPUT', /phase A serves conflicting movements (NS|SN) and EW/);
  });

  it('rejects an unprotected left turn against the opposing through unless it is marked permitted', () => {
    const input = base();
    input.laneGroups[0] = { id: 'NS', from: 'N', movements: 'LTR', lanes: 1, volume: { L: 40, T: 400, R: 50 } };
    fails(input, 'UF_ERR_INPUT', /conflicting movements NS and SN/);
    input.laneGroups[0].leftTurn = 'permitted';
    expect(planIntersection(input).oversaturated).toBe(false);
  });

  it('rejects negative and impossible volumes', () => {
    const neg = base();
    neg.laneGroups[1].volume.T = -5;
    fails(neg, 'UF_ERR_INPUT', /lane group SN\.volume\.T must be a non-negative number/);
    const huge = base();
    huge.laneGroups[2].volume.T = 9000;
    fails(huge, 'UF_ERR_INPUT', /lane group EW: volume 9000 veh\/h is impossible on 2 lane/);
    const wrongTurn = base();
    wrongTurn.laneGroups[1].volume.L = 10;
    fails(wrongTurn, 'UF_ERR_INPUT', /does not carry turn L/);
  });

  it('rejects minimum greens that cannot fit in Cmax', () => {
    const input = base();
    input.cycle = { max: 60 };
    if (input.phasing.type === 'stage') for (const s of input.phasing.stages) s.minGreen = 30;
    fails(input, 'UF_ERR_INFEASIBLE', /need a \d+ s cycle, more than cycle.max 60 s/);
  });

  it('rejects NEMA phases that run concurrently with conflicting movements', () => {
    const input = base();
    input.phasing = {
      type: 'nema',
      phases: [
        { id: '2', laneGroups: ['NS'] },
        { id: '6', laneGroups: ['EW'] },
        { id: '4', laneGroups: ['SN'] },
        { id: '8', laneGroups: ['WE'] },
      ],
    };
    fails(input, 'UF_ERR_INPUT', /phases 2 and 6 run concurrently .* conflicting movements NS and EW/);
  });

  it('rejects a lane group served by two concurrent NEMA phases', () => {
    const input = base();
    input.phasing = {
      type: 'nema',
      phases: [
        { id: '2', laneGroups: ['NS'] },
        { id: '6', laneGroups: ['SN', 'NS'] },
        { id: '4', laneGroups: ['EW'] },
        { id: '8', laneGroups: ['WE'] },
      ],
    };
    fails(input, 'UF_ERR_INPUT', /lane group NS is served by concurrent phases 2 and 6/);
  });

  it('rejects a lane group no phase serves and pedestrians walking against entering traffic', () => {
    const unserved = base();
    if (unserved.phasing.type === 'stage') unserved.phasing.stages[1].laneGroups = ['EW'];
    fails(unserved, 'UF_ERR_INPUT', /lane group WE is served by no phase/);
    const ped = base();
    if (ped.phasing.type === 'stage') ped.phasing.stages[0].pedestrians = ['N'];
    fails(ped, 'UF_ERR_INPUT', /walks pedestrians across leg N while lane group NS enters from it/);
  });
});
