import { describe, expect, it } from 'vitest';
import { buildDispatchModel, solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { syntheticDispatchRequest } from '../../../solvers/dispatch/synthetic.js';
import { chooseBackend } from '../../../solvers/lp/index.js';
import { checkDispatchPlan } from '../../../solvers/dispatch/index.js';

const shared = [
  { name: 'LP, system target', opts: { resources: 8, intervals: 8, seed: 3 } },
  { name: 'LP, feeder caps', opts: { resources: 8, intervals: 8, feederCaps: true, seed: 5 } },
  { name: 'MIP, calls and minimum runs', opts: { resources: 4, intervals: 6, integer: true, seed: 7 } },
];

describe('both backends on shared small models', () => {
  for (const { name, opts } of shared) {
    it(`reach the same objective: ${name}`, async () => {
      const req = JSON.parse(JSON.stringify(syntheticDispatchRequest(opts)));
      const p = validateDispatchRequest(req);
      const js = await solveDispatch(p, { backend: 'jslp' });
      const hi = await solveDispatch(p, { backend: 'highs' });
      expect(js.backend).toBe('jslp');
      expect(hi.backend).toBe('highs');
      expect(checkDispatchPlan(req, js)).toEqual([]);
      expect(checkDispatchPlan(req, hi)).toEqual([]);
      expect(Math.abs(js.objective - hi.objective) / Math.max(1, Math.abs(hi.objective))).toBeLessThan(1e-6);
    });
  }
});

describe('larger synthetic plans', () => {
  it('a 60 x 48 LP goes to HiGHS and passes the checker', async () => {
    const req = JSON.parse(JSON.stringify(syntheticDispatchRequest({ resources: 60, intervals: 48, seed: 11 })));
    const p = validateDispatchRequest(req);
    expect(chooseBackend(buildDispatchModel(p).lp)).toBe('highs');
    const plan = await solveDispatch(p);
    expect(plan.status).toBe('optimal');
    expect(plan.marginalCostPerKWh).not.toBeNull();
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  });

  it('a 30 x 32 MIP in feeder-cap mode passes the checker within its gap', async () => {
    const req = JSON.parse(
      JSON.stringify(
        syntheticDispatchRequest({ resources: 30, intervals: 32, integer: true, feederCaps: true, seed: 13 }),
      ),
    );
    const plan = await solveDispatch(validateDispatchRequest(req), { mipRelGap: 1e-4 });
    expect(plan.mip).toBe(true);
    expect(plan.mipGap).toBeLessThanOrEqual(1e-4);
    expect(checkDispatchPlan(req, plan)).toEqual([]);
  });
});

describe('the shipped example request', () => {
  it('solves with both backends to the same objective and passes the checker', async () => {
    const { readFile } = await import('node:fs/promises');
    const req = JSON.parse(
      await readFile(new URL('../../fixtures/dispatch/example-request.json', import.meta.url), 'utf8'),
    );
    const p = validateDispatchRequest(req);
    const js = await solveDispatch(p, { backend: 'jslp' });
    const hi = await solveDispatch(p, { backend: 'highs' });
    expect(checkDispatchPlan(req, js)).toEqual([]);
    expect(checkDispatchPlan(req, hi)).toEqual([]);
    expect(Math.abs(js.objective - hi.objective) / Math.max(1, hi.objective)).toBeLessThan(1e-6);
  });
});
