// Differential tests of the decomposition's own simplexes and phases against HiGHS on small random and degenerate LPs:
// ties (integer costs), zero columns, equality and one-sided rows, and the infeasible and unbounded cases each class meets.
import { describe, expect, it } from 'vitest';
import { solveDispatch, validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { solveDecomposed } from '../../../solvers/dispatch/decomposition/index.js';
import { GubSimplex } from '../../../solvers/dispatch/decomposition/gub-simplex.js';
import { DecompositionNumericalError } from '../../../solvers/dispatch/decomposition/numerical-error.js';
import type { Plan } from '../../../solvers/dispatch/decomposition/oracle.js';
import { RowGeneration } from '../../../solvers/dispatch/decomposition/row-generation.js';
import { SmallLp } from '../../../solvers/dispatch/decomposition/small-lp.js';
import { syntheticDispatchRequest } from '../../../solvers/dispatch/synthetic.js';
import { LpBuilder, solveLp, type LpResult } from '../../../solvers/lp/index.js';
import { request, rng, solved } from './helpers.js';

const CASES = 300;
const TOL = 1e-6;

type Rand = () => number;
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** A sparse column over m rows: small integer entries, all zero in about one column of eight. */
function column(rand: Rand, m: number): number[] {
  if (rand() < 0.125) return new Array(m).fill(0);
  return Array.from({ length: m }, () => (rand() < 0.5 ? int(rand, -3, 3) : 0));
}

/** Row bounds that hold at zero activity: equalities at 0, ranges, one-sided rows. */
function rowBounds(rand: Rand): [number, number] {
  const kind = int(rand, 0, 3);
  if (kind === 0) return [0, 0];
  if (kind === 1) return [-int(rand, 0, 3), int(rand, 0, 3)];
  if (kind === 2) return [-Infinity, int(rand, 0, 3)];
  return [-int(rand, 0, 3), Infinity];
}

function highs(b: LpBuilder): Promise<LpResult> {
  return solveLp(b.build(), { backend: 'highs' });
}

/** Whether v lies outside [lo, hi] by more than the tolerance. */
function outside(v: number, lo: number, hi: number): boolean {
  return !(v >= lo - TOL && v <= hi + TOL);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b));
}

interface GubCase {
  m: number;
  lo: number[];
  hi: number[];
  /** Per column: cost, bounds, set (−1: none), entries. */
  cols: { cost: number; lower: number; upper: number; set: number; a: number[] }[];
  sets: number;
}

/** A restricted master: convexity sets opening with a zero plan, free columns, and (feasible) shortfall columns of high cost. */
function gubCase(seed: number, mode: 'feasible' | 'unbounded' | 'infeasible'): GubCase {
  const rand = rng(seed);
  const m = int(rand, 1, 6);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let r = 0; r < m; r++) [lo[r], hi[r]] = rowBounds(rand);
  const cols: GubCase['cols'] = [];
  if (mode !== 'infeasible') {
    for (let r = 0; r < m; r++) {
      const e = new Array(m).fill(0);
      e[r] = 1;
      cols.push({ cost: 100, lower: 0, upper: Infinity, set: -1, a: e });
      cols.push({ cost: 100, lower: 0, upper: Infinity, set: -1, a: e.map((v) => -v) });
    }
  }
  const sets = int(rand, 1, 4);
  for (let s = 0; s < sets; s++) {
    cols.push({ cost: int(rand, -3, 3), lower: 0, upper: Infinity, set: s, a: new Array(m).fill(0) });
    for (let k = int(rand, 1, 5); k > 0; k--)
      cols.push({ cost: int(rand, -5, 5), lower: 0, upper: Infinity, set: s, a: column(rand, m) });
  }
  for (let k = int(rand, 0, 3); k > 0; k--)
    cols.push({ cost: int(rand, -3, 3), lower: 0, upper: int(rand, 1, 4), set: -1, a: column(rand, m) });
  if (mode === 'unbounded') cols.push({ cost: -1, lower: 0, upper: Infinity, set: -1, a: new Array(m).fill(0) });
  if (mode === 'infeasible') {
    // a row no column reaches, required to be at least 1: the zero start violates it and no unit column repairs it
    const r = int(rand, 0, m - 1);
    for (const c of cols) c.a[r] = 0;
    lo[r] = 1;
    hi[r] = Infinity;
  }
  return { m, lo, hi, cols, sets };
}

function gubReference(c: GubCase): Promise<LpResult> {
  const b = new LpBuilder();
  const ids = c.cols.map((col) => b.addCol(col.lower, col.upper, col.cost));
  for (let r = 0; r < c.m; r++)
    b.addRow(
      ids,
      c.cols.map((col) => col.a[r]),
      c.lo[r],
      c.hi[r],
    );
  for (let s = 0; s < c.sets; s++) {
    const members = ids.filter((_, j) => c.cols[j].set === s);
    b.addRow(
      members,
      members.map(() => 1),
      1,
      1,
    );
  }
  return highs(b);
}

function gubSolve(c: GubCase, sparseFrom?: number): { master: GubSimplex; ids: number[] } {
  const master = new GubSimplex(c.lo, c.hi, sparseFrom);
  for (let s = 0; s < c.sets; s++) master.addSet();
  const ids = c.cols.map((col) => {
    const j = master.addColumn(col.cost, col.lower, col.upper, col.set);
    col.a.forEach((v, r) => v !== 0 && master.cols.entry(r, v));
    return j;
  });
  master.crash();
  expect(master.solve().optimal).toBe(true);
  return { master, ids };
}

// the working basis as a dense inverse (the default at these sizes) and as a sparse LU (from 0 rows)
describe.each([
  ['dense inverse', undefined],
  ['sparse LU', 0],
])('GubSimplex against HiGHS, working basis as a %s', (_, sparseFrom) => {
  it('reaches the same optimum with a feasible primal on random degenerate masters', async () => {
    const broken: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const c = gubCase(seed, 'feasible');
      const ref = await gubReference(c);
      expect(ref.status, `seed ${seed}`).toBe('optimal');
      const { master, ids } = gubSolve(c, sparseFrom);
      expect(close(master.objective(), ref.objective), `seed ${seed}: ${master.objective()} vs ${ref.objective}`).toBe(
        true,
      );
      const x = ids.map((j) => master.x[j]);
      c.cols.forEach(
        (col, j) => outside(x[j], col.lower, col.upper) && broken.push(`seed ${seed}: column ${j} = ${x[j]}`),
      );
      for (let set = 0; set < c.sets; set++) {
        const sum = x.reduce((acc, v, j) => acc + (c.cols[j].set === set ? v : 0), 0);
        if (outside(sum, 1, 1)) broken.push(`seed ${seed}: set ${set} sums to ${sum}`);
      }
      for (let r = 0; r < c.m; r++) {
        const activity = x.reduce((acc, v, j) => acc + v * c.cols[j].a[r], 0);
        if (outside(activity, c.lo[r], c.hi[r])) broken.push(`seed ${seed}: row ${r} = ${activity}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reports an unbounded master as its typed numerical error, where HiGHS finds it unbounded', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const c = gubCase(seed, 'unbounded');
      expect((await gubReference(c)).status).toBe('unbounded');
      const err = (() => {
        try {
          gubSolve(c, sparseFrom);
        } catch (e) {
          return e;
        }
      })();
      expect(err, `seed ${seed}`).toBeInstanceOf(DecompositionNumericalError);
      expect((err as DecompositionNumericalError).reason).toBe('unbounded');
    }
  });

  it('refuses a master without a repair for an infeasible row, where HiGHS finds it infeasible', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const c = gubCase(seed, 'infeasible');
      expect((await gubReference(c)).status).toBe('infeasible');
      expect(() => gubSolve(c, sparseFrom), `seed ${seed}`).toThrow(DecompositionNumericalError);
    }
  });
});

describe('SmallLp against HiGHS', () => {
  it('reaches the same optimum on random mixing LPs, solved whole and with rows added after a first optimum', async () => {
    const broken: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = rng(1000 + seed);
      const rows = int(rand, 1, 6);
      const plans = int(rand, 1, 12);
      const bounds = Array.from({ length: rows }, () => rowBounds(rand));
      // plan 0 is the zero plan, which every row admits; duplicates and zero plans make ties
      const A = Array.from({ length: plans }, (_, j) =>
        j === 0 ? new Array(rows).fill(0) : j > 1 && rand() < 0.15 ? [] : column(rand, rows),
      );
      for (let j = 1; j < plans; j++) if (A[j].length === 0) A[j] = A[j - 1].slice();
      const cost = A.map(() => int(rand, -4, 4));
      const first = int(rand, 0, rows);
      const lp = new SmallLp(rows);
      for (let r = 0; r < first; r++) lp.addRow(bounds[r][0], bounds[r][1], () => 0);
      A.forEach((a, j) => lp.addPlan(cost[j], (row) => a[row - 1]));
      expect(lp.solve(), `seed ${seed}`).toBe(true);
      for (let r = first; r < rows; r++) {
        lp.addRow(bounds[r][0], bounds[r][1], (j) => A[j][r]);
        expect(lp.solve(), `seed ${seed}`).toBe(true);
      }
      const b = new LpBuilder();
      const ids = A.map((_, j) => b.addCol(0, Infinity, cost[j]));
      b.addRow(
        ids,
        ids.map(() => 1),
        1,
        1,
      );
      for (let r = 0; r < rows; r++)
        b.addRow(
          ids,
          A.map((a) => a[r]),
          bounds[r][0],
          bounds[r][1],
        );
      const ref = await highs(b);
      expect(ref.status).toBe('optimal');
      expect(close(lp.objective(), ref.objective), `seed ${seed}: ${lp.objective()} vs ${ref.objective}`).toBe(true);
      const w = A.map((_, j) => lp.weight(j));
      const sum = w.reduce((acc, v) => acc + v, 0);
      if (outside(sum, 1, 1)) broken.push(`seed ${seed}: weights sum to ${sum}`);
      for (let r = 0; r < rows; r++) {
        const activity = w.reduce((acc, v, j) => acc + v * A[j][r], 0);
        if (outside(activity, bounds[r][0], bounds[r][1])) broken.push(`seed ${seed}: row ${r} = ${activity}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('RowGeneration against HiGHS', () => {
  it('gives the optimum over a box cut by local rows, and a bound equal to it', async () => {
    const broken: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = rng(2000 + seed);
      const n = int(rand, 1, 8);
      // upper bounds of 0 give zero columns
      const upper = Array.from({ length: n }, () => (rand() < 0.15 ? 0 : int(rand, 1, 5)));
      const rows = Array.from({ length: int(rand, 0, 5) }, () => {
        const t = [...new Set(Array.from({ length: int(rand, 1, Math.min(3, n)) }, () => int(rand, 0, n - 1)))];
        const [lo, hi] = rowBounds(rand);
        return { t, coef: t.map(() => (rand() < 0.5 ? -1 : 1) * int(rand, 1, 2)), lo, hi };
      });
      // the exact best response over the box: each interval at the bound its cost prefers (ties at zero)
      const method = (a: Float64Array, _b: Float64Array, plan: Plan) => {
        let v = 0;
        for (let t = 0; t < n; t++) {
          plan.primary[t] = a[t] < 0 ? upper[t] : 0;
          v += a[t] * plan.primary[t];
        }
        plan.callCost = 0;
        return v;
      };
      const gen = new RowGeneration(method, rows, n, false, false);
      const a = Float64Array.from({ length: n }, () => int(rand, -3, 3));
      const out: Plan = { primary: new Float64Array(n), callCost: 0 };
      const bound = gen.solve(a, new Float64Array(n), out);
      expect(gen.exact, `seed ${seed}`).toBe(true);
      const value = out.primary.reduce((s, v, t) => s + a[t] * v, 0);
      const b = new LpBuilder();
      const ids = upper.map((u, t) => b.addCol(0, u, a[t]));
      for (const row of rows)
        b.addRow(
          row.t.map((t) => ids[t]),
          row.coef,
          row.lo,
          row.hi,
        );
      const ref = await highs(b);
      expect(ref.status).toBe('optimal');
      expect(close(value, ref.objective), `seed ${seed}: ${value} vs ${ref.objective}`).toBe(true);
      expect(close(bound, ref.objective), `seed ${seed}: bound ${bound} vs ${ref.objective}`).toBe(true);
      out.primary.forEach((v, t) => outside(v, 0, upper[t]) && broken.push(`seed ${seed}: interval ${t} = ${v}`));
      for (const row of rows) {
        const activity = row.t.reduce((acc, t, j) => acc + row.coef[j] * out.primary[t], 0);
        if (outside(activity, row.lo, row.hi)) broken.push(`seed ${seed}: row ${JSON.stringify(row)} = ${activity}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('coarse seeding and separable blocks against the full model', () => {
  it('seeded by a coarse solve of 2 or 4 intervals per interval, reaches the full model optimum', async () => {
    for (let seed = 1; seed <= 24; seed++) {
      const p = validateDispatchRequest(
        syntheticDispatchRequest({
          resources: 6 + (seed % 10),
          intervals: 16 + 4 * (seed % 5),
          seed,
          feederCaps: seed % 3 === 0,
        }),
      );
      const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
      for (const coarseFactor of [2, 4]) {
        const dw = solved(solveDecomposed(p, { coarseFactor, threads: 1 }));
        expect(
          close(dw.objective, full.objective),
          `seed ${seed} factor ${coarseFactor}: ${dw.objective} vs ${full.objective}`,
        ).toBe(true);
      }
    }
  }, 120_000);

  it('with only separable blocks (loads without ramps, windows or calls), ties in cost included, reaches the full model optimum', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = rng(3000 + seed);
      const n = int(rand, 2, 12);
      const resources = Array.from({ length: int(rand, 1, 12) }, (_, i) => ({
        id: `load-${i}`,
        kind: 'industrial',
        maxKW: rand() < 0.1 ? 0 : int(rand, 10, 200),
        costPerKWh: int(rand, 0, 3) / 10,
      }));
      const targetKW = Array.from({ length: n }, () => int(rand, 0, 600));
      const p = validateDispatchRequest(request(resources, targetKW));
      const full = await solveDispatch(p, { method: 'full-model', backend: 'highs' });
      const dw = solved(solveDecomposed(p, { threads: 1 }));
      expect(close(dw.objective, full.objective), `seed ${seed}: ${dw.objective} vs ${full.objective}`).toBe(true);
    }
  }, 120_000);
});
