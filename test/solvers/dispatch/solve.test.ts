import { describe, expect, it } from 'vitest';
import { solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { request, solveChecked, START } from './helpers.js';

const ind = (id: string, maxKW: number, costPerKWh: number, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'industrial',
  maxKW,
  costPerKWh,
  ...extra,
});

describe('solveDispatch', () => {
  it('calls the cheapest resources first (merit order)', async () => {
    const plan = await solveChecked(request([ind('cheap', 50, 0.1), ind('dear', 100, 0.5)], [80, 30]));
    expect(plan.resources[0].setpointKW).toEqual([50, 30]);
    expect(plan.resources[1].setpointKW).toEqual([30, 0]);
    expect(plan.cost.total).toBeCloseTo(0.25 * (0.1 * 80 + 0.5 * 30), 9);
    expect(plan.shortfallKW).toEqual([0, 0]);
  });

  it('reports the shortfall when the target is above total capacity, instead of failing', async () => {
    const plan = await solveChecked(request([ind('mill', 60, 0.2)], [100, 40]));
    expect(plan.shortfallKW).toEqual([40, 0]);
    expect(plan.resources[0].setpointKW).toEqual([60, 40]);
    expect(plan.shortfallPenalty).toBeCloseTo(1000 * 40 * 0.25, 6);
  });

  it('limits battery discharge by its state of charge and round-trip efficiency', async () => {
    // 10 kWh above the floor, discharge efficiency sqrt(0.81) = 0.9: at most 9 kWh out, 36 kW for one 15-minute interval
    const battery = {
      id: 'b',
      kind: 'battery',
      powerKW: 100,
      energyKWh: 20,
      socKWh: 12,
      minSocKWh: 2,
      roundTripEfficiency: 0.81,
      costPerKWh: 0.01,
    };
    const plan = await solveChecked(request([battery], [100]));
    expect(plan.resources[0].setpointKW[0]).toBeCloseTo(36, 6);
    expect(plan.resources[0].stateKWh?.[0]).toBeCloseTo(2, 6);
    expect(plan.shortfallKW[0]).toBeCloseTo(64, 6);
  });

  it('caps HVAC shed duration and adds the rebound to later intervals', async () => {
    // 30 minutes of full shed at most within any 45 minutes; 50 % paid back over the next 15 minutes
    const hvac = {
      id: 'h',
      kind: 'hvac',
      shedKW: 40,
      maxDurationMinutes: 30,
      reboundFraction: 0.5,
      reboundMinutes: 15,
      costPerKWh: 0.05,
    };
    const plan = await solveChecked(request([hvac], [40, 40, 40, 0]));
    const sp = plan.resources[0].setpointKW;
    expect(sp[0] + sp[1] + sp[2]).toBeCloseTo(80, 6);
    // rebound: every interval pays back half the previous interval's shed
    for (let t = 1; t < 4; t++) expect(plan.resources[0].netReductionKW[t]).toBeCloseTo(sp[t] - 0.5 * sp[t - 1], 6);
  });

  it('shifts EV charging but catches up by the deadline', async () => {
    const ev = {
      id: 'ev',
      kind: 'ev',
      baselineKW: 40,
      maxChargeKW: 80,
      shiftableKWh: 20,
      deadline: '2026-07-01T17:00:00Z',
      costPerKWh: 0.02,
    };
    const plan = await solveChecked(request([ev], [40, 40, 0, 0]));
    const sp = plan.resources[0].setpointKW;
    expect(sp[0]).toBeCloseTo(40, 6);
    expect(sp[1]).toBeCloseTo(40, 6);
    // 20 kWh owed must be caught up in the last two intervals at up to 40 kW extra
    expect(sp[2] + sp[3]).toBeCloseTo(-80, 6);
    expect(plan.resources[0].stateKWh?.[3]).toBeCloseTo(0, 6);
  });

  it('respects minimum depth, minimum run, notice and per-call cost as a MIP', async () => {
    const mill = ind('mill', 100, 0.1, { minKW: 60, minRunMinutes: 45, noticeMinutes: 15, costPerCall: 5 });
    const plan = await solveChecked(request([mill], [30, 30, 0, 0, 0]));
    expect(plan.mip).toBe(true);
    // notice rules out the first interval; one call of three intervals at the minimum depth
    expect(plan.resources[0].setpointKW).toEqual([0, 60, 60, 60, 0]);
    expect(plan.resources[0].calls).toBe(1);
    expect(plan.shortfallKW[0]).toBe(30);
  });

  it('never calls an industrial load whose ramp cannot reach its minimum depth', async () => {
    // starting from 0 at 30 kW per interval, 40 kW is out of reach in every interval, however long the event
    const slow = ind('slow', 100, 0.01, { minKW: 40, rampKWPerInterval: 30 });
    const fast = ind('fast', 100, 0.5, { minKW: 40, rampKWPerInterval: 40 });
    const plan = await solveChecked(request([slow, fast], [40, 40, 40]));
    expect(plan.resources[0].setpointKW).toEqual([0, 0, 0]);
    expect(plan.resources[0].calls).toBe(0);
    expect(plan.resources[1].setpointKW).toEqual([40, 40, 40]);
    const alone = await solveChecked(request([slow], [40, 40, 40]));
    expect(alone.shortfallKW).toEqual([40, 40, 40]);
  });

  it('limits the number of calls', async () => {
    // two short calls would be cheapest; with one call allowed the mill stays curtailed through the gap
    const mill = ind('mill', 10, 0.1, { minKW: 10, maxEvents: 1 });
    const plan = await solveChecked(request([mill], [10, 0, 10]));
    expect(plan.resources[0].setpointKW).toEqual([10, 10, 10]);
    expect(plan.resources[0].calls).toBe(1);
    const free = await solveChecked(request([ind('mill', 10, 0.1, { minKW: 10 })], [10, 0, 10]));
    expect(free.resources[0].calls).toBe(2);
  });

  it('respects ramps and availability windows', async () => {
    const avail = [{ start: '2026-07-01T16:15:00Z', end: '2026-07-01T17:00:00Z' }];
    const plan = await solveChecked(
      request([ind('mill', 100, 0.1, { rampKWPerInterval: 30, availability: avail })], [100, 100, 100, 100]),
    );
    expect(plan.resources[0].setpointKW).toEqual([0, 30, 60, 90]);
  });

  it('keeps feeder load under its cap using the forecast (feeder-cap mode)', async () => {
    const req = {
      event: { start: START, intervalMinutes: 15, count: 3 },
      feeders: [
        { id: 'F1', capKW: 1000, forecastKW: [900, 1050, 1200] },
        { id: 'F2', maxReductionKW: 10 },
      ],
      resources: [ind('a', 100, 0.1, { feeder: 'F1' }), ind('b', 500, 0.01, { feeder: 'F2' })],
    };
    const plan = await solveChecked(req);
    expect(plan.resources[0].setpointKW).toEqual([0, 50, 100]);
    expect(plan.resources[1].setpointKW).toEqual([0, 0, 0]);
    expect(plan.feeders[0].shortfallKW).toEqual([0, 0, 100]);
  });

  it('gives the marginal cost per kWh from HiGHS duals, matching a finite difference', async () => {
    const resources = [ind('cheap', 50, 0.1), ind('dear', 100, 0.5)];
    const base = await solveDispatch(validateDispatchRequest(request(resources, [80, 30])), { backend: 'highs' });
    const bumped = await solveDispatch(validateDispatchRequest(request(resources, [81, 30])), { backend: 'highs' });
    expect(base.marginalCostPerKWh?.[0]).toBeCloseTo(0.5, 9);
    expect(base.marginalCostPerKWh?.[1]).toBeCloseTo(0.1, 9);
    expect((bumped.objective - base.objective) / 0.25).toBeCloseTo(0.5, 9);
  });

  it('emits one OpenADR event per dispatched resource with DISPATCH_SETPOINT payloads', async () => {
    const plan = await solveChecked(request([ind('cheap', 50, 0.1), ind('idle', 50, 0.9)], [20, 20]));
    expect(plan.events).toHaveLength(1);
    const ev = plan.events[0];
    expect(ev.intervalPeriod).toEqual({ start: START, duration: 'PT15M' });
    expect(ev.targets[0].values).toEqual(['cheap']);
    expect(ev.intervals.map((i) => i.payloads[0])).toEqual([
      { type: 'DISPATCH_SETPOINT', values: [20] },
      { type: 'DISPATCH_SETPOINT', values: [20] },
    ]);
  });
});
