import { describe, expect, it } from 'vitest';
import { buildDispatchModel, validateDispatchRequest, type DispatchProblem } from '../../../solvers/dispatch/index.js';
import { blockOf, columnCosts, netOf } from '../../../solvers/dispatch/decomposition/block.js';
import { RampPath, solveBoxes } from '../../../solvers/dispatch/decomposition/ramp-path.js';
import { RunLimitPath } from '../../../solvers/dispatch/decomposition/run-limit.js';
import { hvacCalls, industrialCalls } from '../../../solvers/dispatch/decomposition/calls.js';
import { StoragePath } from '../../../solvers/dispatch/decomposition/storage-path.js';
import { OracleScratch, oracleFor } from '../../../solvers/dispatch/decomposition/oracle.js';
import { solveLp } from '../../../solvers/lp/index.js';
import { rng, START } from './helpers.js';

/** The resource alone (no target rows), priced: HiGHS's optimum of its own LP with price terms in the objective. */
async function reference(p: DispatchProblem, netPrice: Float64Array, spPrice: Float64Array): Promise<number> {
  const m = buildDispatchModel(p);
  const cost = m.lp.colCost.slice();
  const cols = m.columns[0];
  m.net[0].forEach((term, t) => term.cols.forEach((c, k) => (cost[c] -= netPrice[t] * term.coefs[k])));
  cols.primary.forEach((c, t) => (cost[c] -= spPrice[t]));
  cols.secondary?.forEach((c, t) => (cost[c] += spPrice[t]));
  const r = await solveLp({ ...m.lp, colCost: cost }, { backend: 'highs', mipRelGap: 0 });
  expect(r.status).toBe('optimal');
  return r.objective;
}

function problemOf(resource: Record<string, unknown>, n: number, minutes = 15): DispatchProblem {
  return validateDispatchRequest({
    event: { start: START, intervalMinutes: minutes, count: n },
    targetKW: new Array(n).fill(0),
    resources: [resource],
  });
}

/** Prices around the resource's own cost, on a 0.1 grid half the time (ties, as at real optima), sometimes negative. */
function prices(rand: () => number, n: number, hours: number): Float64Array {
  const grid = rand() < 0.5;
  return Float64Array.from({ length: n }, () => {
    const v = rand() < 0.1 ? -0.3 * rand() : 0.7 * rand();
    return (grid ? Math.round(v * 10) / 10 : v) * hours;
  });
}

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / Math.max(1, Math.abs(expected))).toBeLessThan(1e-9);
}

const availability = (rand: () => number, n: number) =>
  rand() < 0.3
    ? {
        availability: [
          {
            start: new Date(Date.parse(START) + Math.floor(rand() * n * 0.4) * 900_000).toISOString(),
            end: new Date(Date.parse(START) + Math.ceil(n * (0.6 + 0.4 * rand())) * 900_000).toISOString(),
          },
        ],
      }
    : {};

describe('block best responses equal HiGHS on random blocks', () => {
  it('industrial loads with ramps (path dynamic program) and without (boxes)', async () => {
    const rand = rng(101);
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + Math.floor(rand() * 40);
      const ramped = trial % 4 !== 0;
      const maxKW = 20 + Math.round(rand() * 300);
      const p = problemOf(
        {
          id: 'i',
          kind: 'industrial',
          maxKW,
          costPerKWh: Math.round(rand() * 6) / 10,
          ...(ramped ? { rampKWPerInterval: 5 + Math.round(rand() * maxKW * 0.5) } : {}),
          ...availability(rand, n),
        },
        n,
      );
      const blk = blockOf(p, 0);
      const netPrice = prices(rand, n, 0.25);
      const a = new Float64Array(n);
      columnCosts(blk, netPrice, undefined, a, new Float64Array(n));
      const x = new Float64Array(n);
      const got = ramped
        ? new RampPath(blk.primaryLo, blk.primaryHi, blk.ramp!).solve(a, x)
        : solveBoxes(a, blk.primaryLo, blk.primaryHi, x);
      close(got, await reference(p, netPrice, new Float64Array(n)));
      for (let t = 0; t < n; t++) {
        expect(x[t]).toBeGreaterThanOrEqual(blk.primaryLo[t] - 1e-9);
        expect(x[t]).toBeLessThanOrEqual(blk.primaryHi[t] + 1e-9);
        if (ramped) expect(Math.abs(x[t] - (t > 0 ? x[t - 1] : 0))).toBeLessThanOrEqual(blk.ramp! + 1e-9);
      }
    }
  });

  it('ramp-limited paths with positive lower bounds (fixed calls with a minimum depth)', async () => {
    const rand = rng(102);
    for (let trial = 0; trial < 20; trial++) {
      const n = 4 + Math.floor(rand() * 30);
      const ramp = 30 + rand() * 40;
      const on = Uint8Array.from({ length: n }, () => (rand() < 0.6 ? 1 : 0));
      const lo = Float64Array.from(on, (o) => (o ? 25 : 0));
      const hi = Float64Array.from(on, (o) => (o ? 120 : 0));
      const a = Float64Array.from({ length: n }, () => rand() - 0.6);
      const x = new Float64Array(n);
      const got = new RampPath(lo, hi, ramp).solve(a, x);
      // the same LP for HiGHS: columns x_t in [lo_t, hi_t], rows −ramp ≤ x_t − x_{t−1} ≤ ramp
      const { LpBuilder } = await import('../../../solvers/lp/index.js');
      const b = new LpBuilder();
      const cols = Array.from({ length: n }, (_, t) => b.addCol(lo[t], hi[t], a[t]));
      for (let t = 0; t < n; t++) b.addRow(t ? [cols[t], cols[t - 1]] : [cols[t]], t ? [1, -1] : [1], -ramp, ramp);
      const r = await solveLp(b.build(), { backend: 'highs' });
      close(got, r.objective);
    }
  });

  it('batteries with efficiency, state of charge bounds and availability (storage dynamic program)', async () => {
    const rand = rng(103);
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + Math.floor(rand() * 40);
      const powerKW = 20 + Math.round(rand() * 200);
      const energyKWh = Math.round(powerKW * (0.3 + 3 * rand()));
      const minSocKWh = Math.round(energyKWh * 0.2 * rand());
      const socKWh = minSocKWh + Math.round((energyKWh - minSocKWh) * rand());
      const eff = trial % 5 === 0 ? 1 : 0.7 + 0.3 * rand();
      const p = problemOf(
        {
          id: 'b',
          kind: 'battery',
          powerKW,
          energyKWh,
          socKWh,
          minSocKWh,
          roundTripEfficiency: eff,
          costPerKWh: Math.round(rand() * 6) / 10,
          ...availability(rand, n),
        },
        n,
      );
      const blk = blockOf(p, 0);
      const netPrice = prices(rand, n, 0.25);
      const spPrice = trial % 3 === 0 ? prices(rand, n, 0.1) : new Float64Array(n);
      const a = new Float64Array(n);
      const b = new Float64Array(n);
      columnCosts(blk, netPrice, spPrice, a, b);
      const x = new Float64Array(n);
      const y = new Float64Array(n);
      const got = new StoragePath(blk.storage!, blk.primaryHi, blk.secondaryHi!).solve(a, b, x, y);
      close(got, await reference(p, netPrice, spPrice));
      let soc = socKWh;
      for (let t = 0; t < n; t++) {
        soc += blk.storage!.primaryRate[t] * x[t] + blk.storage!.secondaryRate[t] * y[t];
        expect(soc).toBeGreaterThanOrEqual(minSocKWh - 1e-7);
        expect(soc).toBeLessThanOrEqual(energyKWh + 1e-7);
        expect(x[t]).toBeLessThanOrEqual(blk.primaryHi[t] + 1e-9);
        expect(y[t]).toBeLessThanOrEqual(blk.secondaryHi![t] + 1e-9);
      }
    }
  });

  it('EV fleets with per-interval baselines and deadlines (storage dynamic program)', async () => {
    const rand = rng(104);
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + Math.floor(rand() * 40);
      const baselineKW =
        trial % 2 ? 20 + Math.round(rand() * 100) : Array.from({ length: n }, () => Math.round(rand() * 120));
      const deadline = new Date(Date.parse(START) + Math.floor(n * (0.3 + rand())) * 900_000).toISOString();
      const p = problemOf(
        {
          id: 'e',
          kind: 'ev',
          baselineKW,
          maxChargeKW: 60 + Math.round(rand() * 120),
          shiftableKWh: Math.round(rand() * 150),
          deadline,
          costPerKWh: Math.round(rand() * 6) / 10,
          ...availability(rand, n),
        },
        n,
      );
      const blk = blockOf(p, 0);
      const netPrice = prices(rand, n, 0.25);
      const a = new Float64Array(n);
      const b = new Float64Array(n);
      columnCosts(blk, netPrice, undefined, a, b);
      const got = new StoragePath(blk.storage!, blk.primaryHi, blk.secondaryHi!).solve(
        a,
        b,
        new Float64Array(n),
        new Float64Array(n),
      );
      close(got, await reference(p, netPrice, new Float64Array(n)));
    }
  });

  it('HVAC with duration windows and rebound (run-length dynamic program)', async () => {
    const rand = rng(105);
    for (let trial = 0; trial < 40; trial++) {
      const n = 4 + Math.floor(rand() * 40);
      const minutes = [15, 30, 60][trial % 3];
      const p = problemOf(
        {
          id: 'h',
          kind: 'hvac',
          shedKW: 10 + Math.round(rand() * 140),
          maxDurationMinutes: minutes * (1 + Math.floor(rand() * 6)),
          reboundFraction: Math.round(rand() * 8) / 10,
          reboundMinutes: 15 + 15 * Math.floor(rand() * 6),
          costPerKWh: Math.round(rand() * 6) / 10,
          ...availability(rand, n),
        },
        n,
        minutes,
      );
      const blk = blockOf(p, 0);
      expect(blk.runLimit).toBeDefined();
      const netPrice = prices(rand, n, minutes / 60);
      const spPrice = trial % 3 === 0 ? prices(rand, n, 0.1) : new Float64Array(n);
      const a = new Float64Array(n);
      columnCosts(blk, netPrice, spPrice, a, new Float64Array(n));
      const x = new Float64Array(n);
      const got = new RunLimitPath(blk.primaryHi, blk.runLimit!).solve(a, x);
      close(got, await reference(p, netPrice, spPrice));
      const net = netOf(blk, x, undefined, new Float64Array(n));
      expect(net.every(Number.isFinite)).toBe(true);
    }
  });

  it('industrial loads with calls: minimum depth and run, notice, event limit, per-call cost (call dynamic program)', async () => {
    const rand = rng(106);
    for (let trial = 0; trial < 30; trial++) {
      const n = 4 + Math.floor(rand() * 20);
      const maxKW = 50 + Math.round(rand() * 200);
      const resource = {
        id: 'i',
        kind: 'industrial',
        maxKW,
        costPerKWh: Math.round(rand() * 6) / 10,
        ...(rand() < 0.7 ? { minKW: Math.round(maxKW * (0.2 + 0.5 * rand())) } : {}),
        ...(rand() < 0.7 ? { minRunMinutes: 15 * (1 + Math.floor(rand() * 6)) } : {}),
        ...(rand() < 0.6 ? { maxEvents: Math.floor(rand() * 3) } : {}),
        ...(rand() < 0.7 ? { costPerCall: Math.round(rand() * 40) } : {}),
        ...(rand() < 0.3 ? { noticeMinutes: 15 * Math.floor(rand() * 3) } : {}),
        ...availability(rand, n),
      };
      const p = problemOf(resource, n);
      const blk = blockOf(p, 0);
      if (!blk.calls) continue;
      const netPrice = prices(rand, n, 0.25);
      const a = new Float64Array(n);
      columnCosts(blk, netPrice, undefined, a, new Float64Array(n));
      const plan = { primary: new Float64Array(n), on: new Float64Array(n), callCost: 0 };
      const got = industrialCalls(blk.calls, blk.primaryHi).solve(a, plan);
      const want = await reference(p, netPrice, new Float64Array(n));
      expect(Math.abs(got - want) / Math.max(1, Math.abs(want))).toBeLessThan(1e-7);
      for (let t = 0; t < n; t++) {
        if (plan.on[t]) expect(plan.primary[t]).toBeGreaterThanOrEqual(blk.calls.minKW - 1e-9);
        else expect(plan.primary[t]).toBe(0);
      }
    }
  });

  it('HVAC with calls and run-limit windows (call dynamic program)', async () => {
    const rand = rng(107);
    for (let trial = 0; trial < 30; trial++) {
      const n = 4 + Math.floor(rand() * 20);
      const resource = {
        id: 'h',
        kind: 'hvac',
        shedKW: 20 + Math.round(rand() * 120),
        maxDurationMinutes: 15 * (1 + Math.floor(rand() * 5)),
        reboundFraction: Math.round(rand() * 6) / 10,
        reboundMinutes: 15 + 15 * Math.floor(rand() * 4),
        costPerKWh: Math.round(rand() * 6) / 10,
        costPerCall: Math.round(rand() * 30),
        ...(rand() < 0.7 ? { maxEvents: Math.floor(rand() * 3) } : {}),
        ...availability(rand, n),
      };
      const p = problemOf(resource, n);
      const blk = blockOf(p, 0);
      const netPrice = prices(rand, n, 0.25);
      const a = new Float64Array(n);
      columnCosts(blk, netPrice, undefined, a, new Float64Array(n));
      const plan = { primary: new Float64Array(n), on: new Float64Array(n), callCost: 0 };
      const got = hvacCalls(blk.calls!, blk.primaryHi, blk.runLimit ?? n).solve(a, plan);
      const want = await reference(p, netPrice, new Float64Array(n));
      expect(Math.abs(got - want) / Math.max(1, Math.abs(want))).toBeLessThan(1e-7);
    }
  });

  it('HVAC with a ramp and a run limit (row generation) at random prices: its degenerate mixing LP converges', async () => {
    // Under these prices the mixing LP's pivots stalled (ratios tied up to round-off) until its pivot limit in 19 of
    // 20 sequences of four prices, and the block could not be priced any more.
    const n = 96;
    const p = problemOf(
      {
        id: 'h',
        kind: 'hvac',
        costPerKWh: 0.5,
        rampKWPerInterval: 44.4,
        shedKW: 80.8,
        maxDurationMinutes: 180,
        reboundFraction: 0.4,
        reboundMinutes: 75,
      },
      n,
    );
    const blk = blockOf(p, 0);
    expect(blk.ramp).toBeDefined();
    expect(blk.runLimit).toBeDefined();
    const rand = rng(1);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let sequence = 0; sequence < 8; sequence++) {
      // one oracle per sequence: its plans and rows carry over from one price to the next, as in column generation
      const oracle = oracleFor(blk, new OracleScratch(n));
      const plan = { primary: new Float64Array(n), callCost: 0 };
      for (let round = 0; round < 4; round++) {
        const netPrice = Float64Array.from({ length: n }, () => 0.3 * rand());
        columnCosts(blk, netPrice, undefined, a, b);
        // a budget of 2 in odd rounds, as early rounds of column generation price: a valid bound, exact or not
        const budget = round % 2 ? 2 : undefined;
        const got = oracle.solve(a, b, plan, budget);
        const want = await reference(p, netPrice, new Float64Array(n));
        if (budget === undefined || oracle.exact) close(got, want);
        else expect(got).toBeLessThanOrEqual(want + 1e-9 * Math.max(1, Math.abs(want)));
        let value = 0;
        for (let t = 0; t < n; t++) value += a[t] * plan.primary[t];
        // the plan returned is feasible for the block, and exact rounds' plan attains the value
        if (budget === undefined) close(value, want);
        else expect(value).toBeGreaterThanOrEqual(want - 1e-9 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it('HVAC windows that do not amount to a run limit are not treated as one', () => {
    const p = problemOf({ id: 'h', kind: 'hvac', shedKW: 50, maxDurationMinutes: 50 }, 12);
    expect(blockOf(p, 0).runLimit).toBeUndefined();
  });
});
