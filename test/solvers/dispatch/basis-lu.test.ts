// The master's sparse LU with Forrest-Tomlin updates: its solves must agree with the matrix they stand for, after
// column exchanges and the column operations of key changes, on sparse random matrices with unit columns and dense rows.
import { describe, expect, it } from 'vitest';
import { BasisLu } from '../../../solvers/dispatch/decomposition/basis-lu.js';
import { DecompositionNumericalError } from '../../../solvers/dispatch/decomposition/numerical-error.js';
import { rng } from './helpers.js';

type Rand = () => number;

/** Column-major dense m×m matrix: cols[p][r]. */
type Matrix = Float64Array[];

/**
 * Like the master's working basis: unit columns, and columns dense over the first rows ("targets") plus a few others.
 * `distinctUnits`: no two unit columns in one row (a large basis is then nonsingular at the first or second draw).
 */
function randomBasis(rand: Rand, m: number, distinctUnits = false): Matrix {
  const linking = Math.max(1, Math.floor(m / 4));
  for (;;) {
    const cols: Matrix = [];
    const unitRows = new Set<number>();
    for (let p = 0; p < m; p++) {
      const c = new Float64Array(m);
      const r = Math.floor(rand() * m);
      if (rand() < 0.4 && !(distinctUnits && unitRows.has(r))) (unitRows.add(r), (c[r] = rand() < 0.5 ? -1 : 1));
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

/** x with cols·x = v, by Gaussian elimination with partial pivoting on a dense copy (the reference solve). */
function denseSolve(cols: Matrix, v: Float64Array, m: number): Float64Array {
  const a = Array.from({ length: m }, (_, r) => [...Array.from({ length: m }, (_, c) => cols[c][r]), v[r]]);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = c + 1; r < m; r++) {
      const f = a[r][c] / a[c][c];
      if (f !== 0) for (let q = c; q <= m; q++) a[r][q] -= f * a[c][q];
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r][m];
    for (let q = r + 1; q < m; q++) s -= a[r][q] * x[q];
    x[r] = s / a[r][r];
  }
  return x;
}

/** Exchanges a random position for a random column that keeps the matrix nonsingular; false if none was found. */
function exchangeRandom(lu: BasisLu, cols: Matrix, m: number, rand: Rand, density = 0.5): boolean {
  const a = new Float64Array(m);
  for (let r = 0; r < m; r++) if (rand() < density) a[r] = rand() * 4 - 2;
  const alpha = new Float64Array(m);
  lu.ftran(a, alpha, true);
  let p = 0;
  for (let i = 1; i < m; i++) if (Math.abs(alpha[i]) > Math.abs(alpha[p])) p = i;
  if (Math.abs(alpha[p]) < 1e-3) return false;
  expect(lu.exchange(p, alpha)).toBe(true);
  cols[p] = a;
  return true;
}

/** Position p's column less position `from`'s, in the LU and in the reference matrix. */
function subtractRandom(lu: BasisLu, cols: Matrix, m: number, rand: Rand): void {
  const p = Math.floor(rand() * m);
  const from = (p + 1 + Math.floor(rand() * (m - 1))) % m;
  expect(lu.subtractColumn(p, from)).toBe(true);
  cols[p] = cols[p].map((v, r) => v - cols[from][r]);
}

describe('BasisLu', () => {
  it('solves W·x = v and yᵀ·W = cᵀ after factorization, column exchanges and column operations', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(seed);
      const m = 2 + Math.floor(rand() * 30);
      const cols = randomBasis(rand, m);
      const lu = factored(cols, m);
      expectSolves(lu, cols, m, rand);
      for (let step = 0; step < 12; step++) {
        if (rand() < 0.6) exchangeRandom(lu, cols, m, rand);
        else if (m > 1) subtractRandom(lu, cols, m, rand);
        expectSolves(lu, cols, m, rand);
      }
      // a fresh factorization of the updated matrix solves the same
      expectSolves(factored(cols, m), cols, m, rand);
    }
  });

  it('stays accurate over hundreds of Forrest-Tomlin updates without a refactorization, against a dense solve', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const rand = rng(100 + seed);
      const m = 40 + 10 * seed;
      const cols = randomBasis(rand, m, true);
      const lu = factored(cols, m);
      let updates = 0;
      for (let step = 0; step < 300; step++) {
        // like the master's: mostly sparse new columns (a plan touches few rows), now and then a column operation
        if (rand() < 0.8) {
          if (exchangeRandom(lu, cols, m, rand, rand() < 0.5 ? 0.1 : 0.5)) updates++;
        } else (subtractRandom(lu, cols, m, rand), updates++);
        if (step % 25 !== 24) continue;
        const v = Float64Array.from({ length: m }, () => rand() * 2 - 1);
        const x = new Float64Array(m);
        lu.ftran(v, x);
        const ref = denseSolve(cols, v, m);
        const scale = Math.max(1, ...ref.map(Math.abs));
        expect(maxAbsDiff(x, ref) / scale, `seed ${seed}, step ${step}`).toBeLessThan(1e-7);
        expectSolves(lu, cols, m, rand);
      }
      expect(lu.updates).toBe(updates);
      expect(updates).toBeGreaterThan(200);
    }
  });

  it('reports an exchange that would make the basis singular, refuses solves until refactorized, then solves', () => {
    const m = 5;
    const cols: Matrix = Array.from({ length: m }, (_, p) => Float64Array.from({ length: m }, (_, r) => +(r === p)));
    const lu = factored(cols, m);
    // column 0 replaced by e_1: α = e_1, α_0 = 0 — W would be singular
    const a = Float64Array.from([0, 1, 0, 0, 0]);
    const alpha = new Float64Array(m);
    lu.ftran(a, alpha, true);
    expect(lu.exchange(0, alpha)).toBe(false);
    expect(lu.needsFactor).toBe(true);
    expect(() => lu.ftran(a, alpha)).toThrow(/failed update/);
    expect(lu.subtractColumn(1, 2)).toBe(false);
    const rand = rng(9);
    const fresh = randomBasis(rand, m);
    lu.factor(m, (p, emit) => fresh[p].forEach((v, r) => v !== 0 && emit(r, v)));
    expect(lu.needsFactor).toBe(false);
    expectSolves(lu, fresh, m, rand);
  });

  it('refuses an exchange without the column saved by the ftran before it', () => {
    const m = 3;
    const cols: Matrix = Array.from({ length: m }, (_, p) => Float64Array.from({ length: m }, (_, r) => +(r === p)));
    const lu = factored(cols, m);
    const alpha = new Float64Array(m);
    lu.ftran(Float64Array.from([2, 0, 1]), alpha);
    expect(() => lu.exchange(0, alpha)).toThrow(/no column saved/);
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

  it('keeps the values of an update, not the rounding left where an entry cancels', () => {
    const m = 6;
    const cols: Matrix = Array.from({ length: m }, (_, p) => Float64Array.from({ length: m }, (_, r) => +(r === p)));
    const lu = factored(cols, m);
    // the new column for position 0 with entries that are rounding against its others (1e-15 of 2)
    const a = Float64Array.from([2, 3e-17, -1, -4e-16, 0, 1]);
    const alpha = new Float64Array(m);
    lu.ftran(a, alpha, true);
    expect(lu.exchange(0, alpha)).toBe(true);
    // U gains the entries −1 (row 2) and 1 (row 5) above the new diagonal 2; R stays empty (row 0 had no entries)
    expect(lu.updateEntries).toBe(2);
    cols[0] = Float64Array.from([2, 0, -1, 0, 0, 1]);
    expectSolves(lu, cols, m, rng(5));
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
