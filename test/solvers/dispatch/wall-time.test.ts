import { describe, expect, it } from 'vitest';
import {
  checkDispatchPlan,
  solveDispatch,
  validateDispatchRequest,
  type DispatchPlan,
} from '../../../solvers/dispatch/index.js';
import { request, START } from './helpers.js';

const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

/** The plan of every method and backend, each accepted by the checker. */
async function plans(req: Record<string, unknown>): Promise<DispatchPlan[]> {
  const p = validateDispatchRequest(req);
  const out = [
    await solveDispatch(p, { backend: 'jslp' }),
    await solveDispatch(p, { backend: 'highs' }),
    await solveDispatch(p, { method: 'decomposition' }),
  ];
  expect(out.map((plan) => plan.method)).toEqual(['full-model', 'full-model', 'decomposition']);
  for (const plan of out) expect(checkDispatchPlan(req, plan), plan.backend).toEqual([]);
  return out;
}

describe('EV deadline at the edge of the event', () => {
  // four 15-minute intervals ending at 17:00; only the last one has a target, which deferring charging would meet
  const ev = (deadline: string) => ({
    id: 'ev',
    kind: 'ev',
    baselineKW: 40,
    maxChargeKW: 80,
    shiftableKWh: 20,
    deadline,
    costPerKWh: 0.02,
  });

  it('a deadline exactly at the event end is inside the plan: nothing may be owed when it ends', async () => {
    for (const plan of await plans(request([ev(at(60))], [0, 0, 0, 40]))) {
      expect(plan.resources[0].setpointKW, plan.backend).toEqual([0, 0, 0, 0]);
      expect(plan.resources[0].stateKWh![3]).toBe(0);
      expect(plan.shortfallKW[3]).toBeCloseTo(40, 6);
    }
  });

  it('a deadline one minute after the event end leaves the catch-up to after the plan', async () => {
    for (const plan of await plans(request([ev(at(61))], [0, 0, 0, 40]))) {
      expect(plan.resources[0].setpointKW[3], plan.backend).toBeCloseTo(40, 6);
      expect(plan.resources[0].stateKWh![3]).toBeCloseTo(10, 6);
      expect(plan.shortfallKW[3]).toBe(0);
    }
  });

  it('the checker refuses energy still owed at the end when the deadline is the event end', async () => {
    const late = await solveDispatch(validateDispatchRequest(request([ev(at(61))], [0, 0, 0, 40])));
    expect(checkDispatchPlan(request([ev(at(60))], [0, 0, 0, 40]), late).join('\n')).toMatch(
      /still owes 10 kWh at interval 3/,
    );
  });
});

describe('HVAC rebound over reboundMinutes of wall time', () => {
  const hvac = (extra: Record<string, unknown>) => ({
    id: 'h',
    kind: 'hvac',
    shedKW: 40,
    maxDurationMinutes: 60,
    reboundFraction: 0.5,
    costPerKWh: 0.05,
    ...extra,
  });

  it('spreads the payback over the minutes, not over a rounded number of intervals', async () => {
    // 5 kWh paid back over 20 minutes (15 kW): 15 minutes of it in the next interval, 5 in the one after
    for (const plan of await plans(request([hvac({ reboundMinutes: 20 })], [40, 0, 0, 0]))) {
      const net = plan.resources[0].netReductionKW;
      expect(net[0], plan.backend).toBeCloseTo(40, 6);
      expect(net[1]).toBeCloseTo(-15, 6);
      expect(net[2]).toBeCloseTo(-5, 6);
      expect(net[3]).toBe(0);
    }
  });

  it('defaults to 60 minutes and shares the payback by overlap with irregular intervals, losing the part in a gap', async () => {
    // intervals 16:00-16:15, 16:15-16:45, 16:45-16:50, (gap), 17:00-17:30; 5 kWh over 16:15-17:15 at 5 kW
    const spans = [
      [0, 15],
      [15, 45],
      [45, 50],
      [60, 90],
    ].map(([s, e]) => ({ start: at(s), end: at(e) }));
    const req = { intervals: spans, targetKW: [40, 0, 0, 0], resources: [hvac({})] };
    for (const plan of await plans(req)) {
      const net = plan.resources[0].netReductionKW;
      expect(net[0], plan.backend).toBeCloseTo(40, 6);
      // 30 minutes at 5 kW over a 30-minute interval, 5 of a 5-minute one, 15 of a 30-minute one
      expect(net[1]).toBeCloseTo(-5, 6);
      expect(net[2]).toBeCloseTo(-5, 6);
      expect(net[3]).toBeCloseTo(-2.5, 6);
    }
  });

  it('the checker refuses a shed longer than maxDurationMinutes in each window that holds it, and only there', async () => {
    // 40 kW shed in all four 15-minute intervals (allowed for 60 minutes); at 30 minutes every 45-minute window that
    // fits in the plan holds 30 kWh against 20
    const long = hvac({ reboundFraction: 0 });
    const plan = await solveDispatch(validateDispatchRequest(request([long], [40, 40, 40, 40])));
    expect(plan.resources[0].setpointKW).toEqual([40, 40, 40, 40]);
    const found = checkDispatchPlan(request([{ ...long, maxDurationMinutes: 30 }], [40, 40, 40, 40]), plan);
    const windows = found.filter((v) => v.includes('above the duration limit'));
    expect(windows).toHaveLength(2);
    expect(windows[0]).toMatch(/30 kWh shed in the window from interval 0/);
    expect(windows[1]).toMatch(/30 kWh shed in the window from interval 1/);
  });
});
