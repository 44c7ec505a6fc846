// The decomposition's master takes feeder cap and limit rows only once a plan breaks them: the result must still be
// the full model's optimum, and the rows it left out must be kept by the plan.
import { describe, expect, it } from 'vitest';
import { checkDispatchPlan, solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { solveByColumnGeneration } from '../../../solvers/dispatch/decomposition/colgen.js';
import { Coupling } from '../../../solvers/dispatch/decomposition/coupling.js';
import { solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { readPlan } from '../../../solvers/dispatch/read-plan.js';
import { syntheticFeederRequest } from '../../../solvers/dispatch/synthetic-feeders.js';
import { solved } from './helpers.js';

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('feeder rows taken by the master as plans need them', () => {
  it('reaches the full HiGHS model objective on feeder-structured requests with caps and reduction limits', async () => {
    const cases = [
      { resources: 30, intervals: 24, feeders: 3, seed: 1 },
      { resources: 45, intervals: 24, feeders: 4, seed: 2 },
      { resources: 60, intervals: 24, feeders: 5, seed: 3 },
      { resources: 60, intervals: 48, feeders: 4, seed: 4 },
      { resources: 50, intervals: 32, feeders: 6, seed: 5 },
    ];
    for (const c of cases) {
      const req = syntheticFeederRequest(c);
      const p = validateDispatchRequest(req);
      expect(
        p.feeders.some((f) => f.capKW) && p.feeders.some((f) => f.maxReductionKW !== undefined),
        `case ${JSON.stringify(c)} has caps and limits`,
      ).toBe(true);
      const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
      const plan = readPlan(p, solved(solveDecomposed(p, { threads: 1 })));
      expect(plan.status).toBe('optimal');
      expect(
        relDiff(plan.objective, full.objective),
        `case ${JSON.stringify(c)}: ${plan.objective} vs ${full.objective}`,
      ).toBeLessThan(1e-6);
      expect(checkDispatchPlan(req, plan)).toEqual([]);
    }
  }, 240_000);

  it('reaches the same objective with the master on its sparse LU from the first row (rows taken, crashes, refactorizations)', async () => {
    for (const c of [
      { resources: 30, intervals: 24, feeders: 3, seed: 1 },
      { resources: 60, intervals: 48, feeders: 4, seed: 4 },
      { resources: 50, intervals: 32, feeders: 6, seed: 5 },
    ]) {
      const p = validateDispatchRequest(syntheticFeederRequest(c));
      const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
      const r = solveByColumnGeneration(p, { coarseFactor: 8, threads: 1, masterSparseFrom: 0 });
      expect(r.optimal).toBe(true);
      // feeder rows were taken (the coarse master starts with the target rows only): addRows on the sparse LU
      expect(r.stats.masterRows).toBeGreaterThan(c.intervals);
      expect(
        relDiff(r.objective, full.objective),
        `case ${JSON.stringify(c)}: ${r.objective} vs ${full.objective}`,
      ).toBeLessThan(1e-6);
    }
  }, 240_000);

  it("adds only the most negative share of a round's new plans on feeder requests, and still reaches the optimum", async () => {
    const p = validateDispatchRequest(syntheticFeederRequest({ resources: 160, intervals: 24, feeders: 5, seed: 6 }));
    const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
    const r = solveByColumnGeneration(p, { coarseFactor: 8, threads: 1 });
    expect(r.optimal).toBe(true);
    // rounds priced out more plans than the cap lets in
    expect(r.stats.cappedRounds).toBeGreaterThan(0);
    expect(relDiff(r.objective, full.objective), `${r.objective} vs ${full.objective}`).toBeLessThan(1e-6);
    expect(r.lowerBound).toBeLessThanOrEqual(r.objective + 1e-7 * Math.max(1, r.objective));
    // a target-only request is never capped: there the master is cheap and pricing is most of the time
    const req = syntheticFeederRequest({ resources: 160, intervals: 24, feeders: 5, seed: 6 });
    const targets = validateDispatchRequest({
      ...req,
      feeders: [],
      resources: req.resources.map((r) => ({ ...r, feeder: undefined })),
    });
    expect(solveByColumnGeneration(targets, { coarseFactor: 8, threads: 1 }).stats.cappedRounds).toBe(0);
  }, 240_000);

  it('leaves slack rows out of the master, and the plan keeps every row it left out', () => {
    const req = syntheticFeederRequest({ resources: 60, intervals: 48, feeders: 5, seed: 7 });
    const p = validateDispatchRequest(req);
    const r = solveByColumnGeneration(p, { coarseFactor: 8, threads: 1 });
    expect(r.optimal).toBe(true);
    const coupling = new Coupling(p);
    expect(r.stats.couplingRows).toBe(coupling.numRows);
    // rows left out: the target rows are always held, a good part of the feeder rows never is
    expect(r.stats.masterRows).toBeLessThan(coupling.numRows);
    coupling.targetRow.forEach((row) => row >= 0 && expect(r.heldRows[row]).toBe(1));
    // every row left out holds at the plan, with a zero price
    const n = p.hours.length;
    p.feeders.forEach((f, fi) => {
      const members = p.resources.map((rp, i) => (rp.feeder === fi ? i : -1)).filter((i) => i >= 0);
      for (let t = 0; t < n; t++) {
        const net = members.reduce((acc, i) => acc + r.net[i][t], 0);
        const cap = coupling.capRow[fi]?.[t];
        if (cap !== undefined && !r.heldRows[cap]) {
          expect(net + 1e-6 * Math.max(1, coupling.rowLower[cap])).toBeGreaterThanOrEqual(coupling.rowLower[cap]);
          expect(r.duals[cap]).toBe(0);
        }
        const max = coupling.maxRow[fi]?.[t];
        if (max !== undefined && !r.heldRows[max]) {
          expect(net).toBeLessThanOrEqual(f.maxReductionKW! * (1 + 1e-9) + 1e-9);
          expect(r.duals[max]).toBe(0);
        }
      }
    });
  }, 120_000);
});
