// The ridge normal-equation solver against ml-regression's ordinary least squares as an independent reference.
import { describe, expect, it } from 'vitest';
import { MultivariateLinearRegression } from 'ml-regression';
import { accumulateRows, emptyNormalEquations, solveRidge } from '../../models/linalg.js';
import { rng, gaussian } from '../../models/synthetic.js';

describe('solveRidge', () => {
  it('matches ml-regression OLS weights when the ridge is negligible', () => {
    const rand = rng(5);
    const n = 200;
    const p = 6;
    const x = new Float64Array(n * p);
    const y = new Float64Array(n);
    const rows: number[][] = [];
    for (let r = 0; r < n; r++) {
      x[r * p] = 1;
      const feats: number[] = [];
      for (let j = 1; j < p; j++) {
        x[r * p + j] = gaussian(rand) * j;
        feats.push(x[r * p + j]);
      }
      y[r] = 3 + feats.reduce((s, v, j) => s + v * (j - 2), 0) + 0.1 * gaussian(rand);
      rows.push(feats);
    }
    const ne = emptyNormalEquations(p);
    accumulateRows(ne, x, y, 0, n);
    const beta = solveRidge(ne, 1e-12);
    const ref = new MultivariateLinearRegression(
      rows,
      Array.from(y, (v) => [v]),
      { statistics: false },
    );
    // ml-regression puts the intercept last.
    expect(beta[0]).toBeCloseTo(ref.weights[p - 1][0], 6);
    for (let j = 1; j < p; j++) expect(beta[j]).toBeCloseTo(ref.weights[j - 1][0], 6);
  });

  it('skips rows whose target is NaN and stays finite on a collinear design', () => {
    const p = 3;
    const x = new Float64Array([1, 1, 1, 1, 2, 2, 1, 3, 3, 1, 4, 4]);
    const y = new Float64Array([2, 4, NaN, 8]);
    const ne = emptyNormalEquations(p);
    accumulateRows(ne, x, y, 0, 4);
    const beta = solveRidge(ne, 1e-3);
    for (const b of beta) expect(Number.isFinite(b)).toBe(true);
    expect(beta[0] + 4 * (beta[1] + beta[2])).toBeCloseTo(8, 1);
  });
});
