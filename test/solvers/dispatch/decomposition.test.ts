import { afterAll, describe, expect, it } from 'vitest';
import {
  chooseMethod,
  solveDispatch,
  validateDispatchRequest,
  type DispatchPlan,
} from '../../../solvers/dispatch/index.js';
import { canDecompose, solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { buildDispatchModel } from '../../../solvers/dispatch/index.js';
import { solveLp } from '../../../solvers/lp/index.js';
import { syntheticDispatchRequest } from '../../../solvers/dispatch/synthetic.js';
import { checkDispatchPlan } from '../../../solvers/dispatch/index.js';
import { readPlan } from '../../../solvers/dispatch/read-plan.js';
import { startSolverResources } from '../../../src/runtime/index.js';
import { rng, solved, START } from './helpers.js';

/** The threads a solver thread of the service lends its dispatch solves (decomposition on a thread with a second pricing thread). */
const resources = startSolverResources();
afterAll(() => resources.close());

type Req = Record<string, any>;

const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

/** A random resource of the given kind with every optional rule drawn at random. */
function resource(rand: () => number, kind: string, i: number, n: number, minutes: number, feeders: string[]): Req {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const base: Req = { id: `${kind}-${i}`, kind, costPerKWh: Math.round(rand() * 6) / 10 };
  if (feeders.length && rand() < 0.8) base.feeder = pick(feeders);
  if (rand() < 0.4) base.rampKWPerInterval = 10 + Math.round(rand() * 60);
  if (rand() < 0.3)
    base.availability = [
      { start: at(minutes * Math.floor(rand() * n * 0.3)), end: at(minutes * Math.ceil(n * (0.6 + 0.5 * rand()))) },
    ];
  switch (kind) {
    case 'battery': {
      const powerKW = 30 + Math.round(rand() * 150);
      const energyKWh = Math.round(powerKW * (0.5 + 2 * rand()));
      return {
        ...base,
        powerKW,
        energyKWh,
        socKWh: Math.round(energyKWh * (0.3 + 0.7 * rand())),
        minSocKWh: Math.round(energyKWh * 0.1),
        roundTripEfficiency: 0.75 + 0.25 * rand(),
      };
    }
    case 'hvac':
      // durations that are and are not a whole number of intervals
      return {
        ...base,
        shedKW: 20 + Math.round(rand() * 100),
        maxDurationMinutes: pick([minutes, 2 * minutes, 3 * minutes, 50, 100]),
        reboundFraction: Math.round(rand() * 6) / 10,
        reboundMinutes: pick([15, 30, 45, 60]),
      };
    case 'ev': {
      const baselineKW =
        rand() < 0.5 ? 20 + Math.round(rand() * 80) : Array.from({ length: n }, () => Math.round(rand() * 100));
      return {
        ...base,
        baselineKW,
        maxChargeKW: 60 + Math.round(rand() * 100),
        shiftableKWh: Math.round(rand() * 120),
        deadline: at(minutes * Math.floor(n * (0.5 + 0.7 * rand()))),
      };
    }
    default:
      return { ...base, maxKW: 30 + Math.round(rand() * 200) };
  }
}

/** Random requests over all kinds and rules: system targets, feeder caps and limits, or both; regular or irregular intervals. */
function randomRequest(seed: number): Req {
  const rand = rng(seed);
  const n = 6 + Math.floor(rand() * 20);
  const minutes = [15, 30][seed % 2];
  const mode = ['target', 'caps', 'both'][seed % 3];
  const feeders = ['F1', 'F2', 'F3'];
  const resources = Array.from({ length: 6 + Math.floor(rand() * 10) }, (_, i) =>
    resource(rand, ['battery', 'hvac', 'ev', 'industrial'][i % 4], i, n, minutes, feeders),
  );
  const shape = Array.from({ length: n }, (_, t) => Math.sin((Math.PI * (t + 0.5)) / n) ** 2);
  const req: Req = {
    programId: 'test',
    feeders: feeders.map((id, f) => ({
      id,
      ...(mode !== 'target' && f < 2
        ? { capKW: 1000, forecastKW: shape.map((s) => Math.round(1000 + 250 * s * (1 + rand()))) }
        : {}),
      ...(f === 2 || rand() < 0.3 ? { maxReductionKW: 80 + Math.round(rand() * 200) } : {}),
    })),
    resources,
  };
  if (mode !== 'caps') req.targetKW = shape.map((s, t) => (t === n - 1 ? 0 : Math.round(400 * s * (0.5 + rand()))));
  if (seed % 4 === 3) {
    // irregular intervals: lengths vary and one gap
    let m = 0;
    req.intervals = Array.from({ length: n }, (_, t) => {
      const len = [15, 30, 45][t % 3];
      const w = { start: at(m), end: at(m + len) };
      m += len + (t === 2 ? 15 : 0);
      return w;
    });
  } else req.event = { start: START, intervalMinutes: minutes, count: n };
  return req;
}

async function both(req: Req): Promise<{ full: DispatchPlan; dw: DispatchPlan }> {
  const p = validateDispatchRequest(req);
  const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
  const dw = await solveDispatch(p, {
    method: 'decomposition',
    decomposition: resources.decomposition,
    highs: resources.highs,
  });
  return { full, dw };
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('column generation', () => {
  it('reaches the full model optimum on random requests of every kind and rule, and every plan passes the checker', async () => {
    for (let seed = 1; seed <= Number(process.env.SEEDS ?? 80); seed++) {
      const req = randomRequest(seed);
      const { full, dw } = await both(req);
      expect(dw.method, `seed ${seed}`).toBe('decomposition');
      expect(full.method).toBe('full-model');
      expect(relDiff(dw.objective, full.objective), `seed ${seed}: ${dw.objective} vs ${full.objective}`).toBeLessThan(
        1e-6,
      );
      expect(checkDispatchPlan(req, dw), `seed ${seed}`).toEqual([]);
      expect(checkDispatchPlan(req, full), `seed ${seed}`).toEqual([]);
      // the bound that proves the optimum
      expect(dw.decomposition!.lowerBound!).toBeLessThanOrEqual(dw.objective + 1e-7 * Math.max(1, dw.objective));
      expect(
        relDiff(dw.decomposition!.lowerBound!, dw.objective),
        `seed ${seed}: ${dw.decomposition!.lowerBound!} ${dw.objective}`,
      ).toBeLessThan(1e-6);
    }
  });

  it('equals the full model on synthetic requests in target and feeder-cap mode, priced on one thread and on two', async () => {
    for (const [resources, intervals, feederCaps] of [
      [60, 48, false],
      [60, 48, true],
      [120, 24, false],
    ] as const) {
      const req = JSON.parse(JSON.stringify(syntheticDispatchRequest({ resources, intervals, seed: 17, feederCaps })));
      const { full, dw } = await both(req);
      expect(relDiff(dw.objective, full.objective)).toBeLessThan(1e-6);
      expect(checkDispatchPlan(req, dw)).toEqual([]);
      // blocks enough for a second pricing thread (the compiled build's worker starts one)
      if (resources > 100) {
        expect(dw.decomposition!.pricingThreads).toBe(2);
        // the master gets the new plans in the same order however the blocks are split: the same path on one thread
        const one = solved(solveDecomposed(validateDispatchRequest(req)));
        expect(one.decomposition!.pricingThreads).toBe(1);
        expect(one.decomposition!.masterIterations).toBe(dw.decomposition!.masterIterations);
        expect(one.decomposition!.rounds).toBe(dw.decomposition!.rounds);
        expect(relDiff(one.objective, dw.objective)).toBeLessThan(1e-12);
      }
    }
  });

  it('gives marginal costs that price the target: a kWh more in one interval costs about its marginal cost', async () => {
    const req = JSON.parse(JSON.stringify(syntheticDispatchRequest({ resources: 40, intervals: 24, seed: 5 })));
    const p = validateDispatchRequest(req);
    const base = solved(solveDecomposed(p));
    const t = 12;
    const bumped = JSON.parse(JSON.stringify(req));
    bumped.targetKW[t] += 0.4;
    const after = solved(solveDecomposed(validateDispatchRequest(bumped)));
    const slope = (after.objective - base.objective) / (0.4 * p.hours[t]);
    const price = base.targetDual![t] / p.hours[t];
    // a degenerate optimum has a range of prices; the finite difference lies at its upper end or above the dual
    expect(slope).toBeGreaterThanOrEqual(price - 1e-6);
  });

  it('is chosen automatically for large problems only, not when a backend is named nor for calls it cannot price', () => {
    const large = validateDispatchRequest(syntheticDispatchRequest({ resources: 200, intervals: 96, seed: 1 }));
    const small = validateDispatchRequest(syntheticDispatchRequest({ resources: 10, intervals: 24, seed: 1 }));
    const mip = validateDispatchRequest(
      syntheticDispatchRequest({ resources: 200, intervals: 96, seed: 1, integer: true }),
    );
    expect(chooseMethod(large)).toBe('decomposition');
    expect(chooseMethod(large, { backend: 'highs' })).toBe('full-model');
    expect(chooseMethod(small)).toBe('full-model');
    expect(chooseMethod(mip)).toBe('decomposition');
    // a battery with a per-call cost has no call dynamic program: the full model solves it
    const req = JSON.parse(JSON.stringify(syntheticDispatchRequest({ resources: 200, intervals: 96, seed: 1 })));
    req.resources[0].costPerCall = 5;
    expect(chooseMethod(validateDispatchRequest(req))).toBe('full-model');
  });
});

/** Random MIP requests: industrial loads and HVAC with calls (per-call cost, event limits, minimum depth and run, notice). */
function randomMipRequest(seed: number): Req {
  const req = randomRequest(seed);
  const rand = rng(seed + 1000);
  delete req.intervals;
  req.event = {
    start: START,
    intervalMinutes: 15,
    count: req.targetKW?.length ?? req.feeders[0].forecastKW?.length ?? 12,
  };
  for (const r of req.resources) {
    if (r.kind === 'industrial' && rand() < 0.8) {
      Object.assign(r, {
        minKW: Math.round(r.maxKW * (0.2 + 0.4 * rand())),
        minRunMinutes: 15 * (1 + Math.floor(rand() * 4)),
        costPerCall: Math.round(rand() * 30),
        maxEvents: 1 + Math.floor(rand() * 2),
        noticeMinutes: 15 * Math.floor(rand() * 2),
      });
      if (r.rampKWPerInterval !== undefined && r.rampKWPerInterval < r.minKW) r.rampKWPerInterval = r.minKW + 10;
    }
    if (r.kind === 'hvac' && rand() < 0.8)
      Object.assign(r, {
        maxDurationMinutes: 15 * (1 + Math.floor(rand() * 4)),
        costPerCall: Math.round(rand() * 30),
        ...(rand() < 0.7 ? { maxEvents: 1 + Math.floor(rand() * 2) } : {}),
      });
  }
  return req;
}

describe('column generation for MIPs', () => {
  it('brackets the MIP optimum: its bound is at most, its plan at least the optimum, and the plan passes the checker', async () => {
    for (let seed = 1; seed <= 16; seed++) {
      const req = randomMipRequest(seed);
      const p = validateDispatchRequest(req);
      expect(canDecompose(p), `seed ${seed}`).toBe(true);
      const exact = await solveDispatch(p, { method: 'full-model', backend: 'highs', mipRelGap: 0 });
      const dw = await solveDispatch(p, { method: 'decomposition', mipRelGap: 1 });
      expect(dw.method, `seed ${seed}`).toBe('decomposition');
      expect(dw.mip).toBe(true);
      const scale = Math.max(1, Math.abs(exact.objective));
      expect(dw.decomposition!.lowerBound!, `seed ${seed}`).toBeLessThanOrEqual(exact.objective + 1e-6 * scale);
      expect(dw.objective, `seed ${seed}`).toBeGreaterThanOrEqual(exact.objective - 1e-6 * scale);
      expect(dw.mipGap!).toBeCloseTo(
        (dw.objective - dw.decomposition!.lowerBound!) / Math.max(1e-9, Math.abs(dw.objective)),
        9,
      );
      expect(checkDispatchPlan(req, dw), `seed ${seed}`).toEqual([]);
    }
  });

  it('bounds at least as tightly as the LP relaxation (the integer plans of each resource convexified)', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const p = validateDispatchRequest(randomMipRequest(seed));
      const m = buildDispatchModel(p).lp;
      const relaxation = await solveLp(
        { ...m, integer: new Uint8Array(m.numCols), numIntegers: 0 },
        { backend: 'highs' },
      );
      const dw = solved(solveDecomposed(p, { mipRelGap: 4e-7 }));
      expect(dw.decomposition!.lowerBound!, `seed ${seed}`).toBeGreaterThanOrEqual(
        relaxation.objective - 1e-6 * Math.max(1, Math.abs(relaxation.objective)),
      );
    }
  });

  it('keeps minimum depths under fixed calls: no called load is mixed with its zero plan', async () => {
    // Synthetic 60 x 32 with feeder caps: r43 (minKW 50.4, ramp 68.9) was reported called at 26.7 kW, a mix of its
    // minimum-depth plan with the zero plan that each resource's convexity set started from.
    const req = syntheticDispatchRequest({ resources: 60, intervals: 32, integer: true, feederCaps: true, seed: 1 });
    const p = validateDispatchRequest(req);
    const plan = readPlan(p, solved(solveDecomposed(p, { mipRelGap: 0.01, threads: 1 })));
    expect(checkDispatchPlan(req, plan)).toEqual([]);
    const r43 = plan.resources.find((r) => r.id === 'r43')!;
    expect(r43.called.some((c) => c)).toBe(true);
    r43.setpointKW.forEach((v, t) => expect(r43.called[t] ? v : 50.4).toBeGreaterThanOrEqual(50.4 - 1e-6));
    // through the service: the decomposition's own plan is returned, not the full model's replacement of it
    const served = await solveDispatch(p, { method: 'decomposition', mipRelGap: 0.05 });
    expect(served.rejectedPlan).toBeUndefined();
    expect(served.method).toBe('decomposition');
  });

  it('leaves a plan outside the requested gap to the full model', async () => {
    const req = randomMipRequest(3);
    const plan = await solveDispatch(validateDispatchRequest(req), { method: 'decomposition', mipRelGap: 0 });
    // either column generation proved optimality outright, or branch and bound of the full model ran
    expect(plan.method === 'full-model' || plan.mipGap === 0).toBe(true);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  });
});
