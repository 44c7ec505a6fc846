// The master's sparse LU with product-form updates: its solves must agree with the matrix they stand for, after
// column exchanges and the rank-one updates of key changes, on sparse random matrices with unit columns and dense rows.
import { describe, expect, it } from 'vitest';
import { BasisLu } from '../../../solvers/dispatch/decomposition/basis-lu.js';
import { DecompositionNumericalError } from '../../../solvers/dispatch/decomposition/numerical-error.js';
import { rng } from './helpers.js';

type Rand = () => number;

/** Column-major dense m×m matrix: cols[p][r]. */
type Matrix = Float64Array[];

/** Like the master's working basis: unit columns, and columns dense over the first rows ("targets") plus a few others. */
function randomBasis(rand: Rand, m: number): Matrix {
  const linking = Math.max(1, Math.floor(m / 4));
  for (;;) {
    const cols: Matrix = [];
    for (let p = 0; p < m; p++) {
      const c = new Float64Array(m);
      if (rand() < 0.4) c[Math.floor(rand() * m)] = rand() < 0.5 ? -1 : 1;
      else {
        for (let r = 0; r < linking; r++) if (rand() < 0.8) c[r] = rand() * 4 - 2;
        for (let k = 0; k < 3; k++) c[linking + Math.floor(rand() * (m - linking))] = rand() * 4 - 2;
      }
      cols.push(c);
    }
    if (Math.abs(determinantSign(cols, m)) > 0) return cols;
  }
}

/** Nonzero if the matrix is safely nonsingular (Gaussian elimination with partial pivoting, pivots above 1e-6). */
function determinantSign(cols: Matrix, m: number): number {
  const a = Array.from({ length: m }, (_, r) => Array.from({ length: m }, (_, c) => cols[c][r]));
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (Math.abs(a[piv][c]) < 1e-6) return 0;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = c + 1; r < m; r++) {
      const f = a[r][c] / a[c][c];
      for (let q = c; q < m; q++) a[r][q] -= f * a[c][q];
    }
  }
  return 1;
}

function times(cols: Matrix, x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let p = 0; p < m; p++) for (let r = 0; r < m; r++) out[r] += cols[p][r] * x[p];
  return out;
}

function timesTransposed(cols: Matrix, y: Float64Array, m: number): Float64Array {
  return Float64Array.from({ length: m }, (_, p) => cols[p].reduce((s, v, r) => s + v * y[r], 0));
}

function factored(cols: Matrix, m: number): BasisLu {
  const lu = new BasisLu();
  lu.factor(m, (p, emit) => cols[p].forEach((v, r) => v !== 0 && emit(r, v)));
  return lu;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => Math.max(s, Math.abs(v - b[i])), 0);

function expectSolves(lu: BasisLu, cols: Matrix, m: number, rand: Rand): void {
  const v = Float64Array.from({ length: m }, () => rand() * 2 - 1);
  const x = new Float64Array(m);
  lu.ftran(v, x);
  expect(maxAbsDiff(times(cols, x, m), v)).toBeLessThan(1e-8);
  const c = Float64Array.from({ length: m }, () => rand() * 2 - 1);
  const y = new Float64Array(m);
  lu.btran(c, y);
  expect(maxAbsDiff(timesTransposed(cols, y, m), c)).toBeLessThan(1e-8);
}

describe('BasisLu', () => {
  it('solves W·x = v and yᵀ·W = cᵀ after factorization, column exchanges and rank-one updates', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(seed);
      const m = 2 + Math.floor(rand() * 30);
      const cols = randomBasis(rand, m);
      const lu = factored(cols, m);
      expectSolves(lu, cols, m, rand);
      for (let step = 0; step < 12; step++) {
        if (rand() < 0.6) {
          // exchange a column for one that keeps the matrix nonsingular (a pivot away from 0)
          const a = new Float64Array(m);
          for (let r = 0; r < m; r++) if (rand() < 0.5) a[r] = rand() * 4 - 2;
          const alpha = new Float64Array(m);
          lu.ftran(a, alpha);
          let p = 0;
          for (let i = 1; i < m; i++) if (Math.abs(alpha[i]) > Math.abs(alpha[p])) p = i;
          if (Math.abs(alpha[p]) < 1e-3) continue;
          lu.exchange(p, alpha);
          cols[p] = a;
        } else {
          // W ← W + sign·u·1ᵀ over some positions
          const u = Float64Array.from({ length: m }, () => (rand() < 0.5 ? rand() * 2 - 1 : 0));
          const members = Array.from({ length: m }, (_, p) => p).filter(() => rand() < 0.3);
          const y = new Float64Array(m);
          lu.ftran(u, y);
          const sign = rand() < 0.5 ? -1 : 1;
          const denom = 1 + sign * members.reduce((s, p) => s + y[p], 0);
          if (Math.abs(denom) < 1e-3) continue;
          lu.rankOne(members, y, sign);
          for (const p of members) for (let r = 0; r < m; r++) cols[p][r] += sign * u[r];
        }
        expectSolves(lu, cols, m, rand);
      }
      // a fresh factorization of the updated matrix solves the same
      expectSolves(factored(cols, m), cols, m, rand);
    }
  });

  it('factorizes with entries given in pieces (a column less its key column) and reuses its storage', () => {
    const rand = rng(7);
    const m = 12;
    const cols = randomBasis(rand, m);
    const lu = new BasisLu();
    for (let round = 0; round < 3; round++) {
      lu.factor(m, (p, emit) =>
        cols[p].forEach((v, r) => {
          // v given as (v + 1) and −1: the pieces add up, and cancel where v is 0
          emit(r, v + 1);
          emit(r, -1);
        }),
      );
      expectSolves(lu, cols, m, rand);
    }
  });

  it("keeps an update operator's values only, not the rounding ftran leaves where an entry cancels to zero", () => {
    const m = 6;
    const cols: Matrix = Array.from({ length: m }, (_, p) => Float64Array.from({ length: m }, (_, r) => +(r === p)));
    const lu = factored(cols, m);
    // the new column for position 0, and its α = W⁻¹·a as ftran could give it: exact values, rounding elsewhere
    const a = Float64Array.from([2, 0, -1, 0, 0, 0]);
    const alpha = Float64Array.from([2, 3e-17, -1, -4e-16, 0, 1e-15]);
    lu.exchange(0, alpha);
    cols[0] = a;
    expect(lu.updateEntries).toBe(2);
    expectSolves(lu, cols, m, rng(5));
    // a key change: y = W⁻¹·u with rounding in it, members 1 and 3
    const u = Float64Array.from([0, 0.5, 0, 0, 0, 0]);
    const y = new Float64Array(m);
    lu.ftran(u, y);
    y[4] = 2e-17;
    lu.rankOne([1, 3], y, 1);
    for (const p of [1, 3]) for (let r = 0; r < m; r++) cols[p][r] += u[r];
    expect(lu.updateEntries).toBe(3);
    expectSolves(lu, cols, m, rng(6));
  });

  it('refuses a singular matrix with the typed numerical error, and factorizes the next one', () => {
    const m = 4;
    const singular: Matrix = [
      Float64Array.from([1, 0, 0, 0]),
      Float64Array.from([0, 1, 0, 0]),
      Float64Array.from([1, 1, 0, 0]),
      Float64Array.from([0, 0, 0, 1]),
    ];
    const lu = new BasisLu();
    expect(() => lu.factor(m, (p, emit) => singular[p].forEach((v, r) => v !== 0 && emit(r, v)))).toThrow(
      DecompositionNumericalError,
    );
    const rand = rng(3);
    const cols = randomBasis(rand, m);
    lu.factor(m, (p, emit) => cols[p].forEach((v, r) => v !== 0 && emit(r, v)));
    expectSolves(lu, cols, m, rand);
  });
});
