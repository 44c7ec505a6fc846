// Ridge least squares on precomputed normal equations, in place on Float64Arrays (no per-series objects).

/** Normal equations X'X (p×p, row-major, upper triangle filled) and X'y for a design with p columns. */
export interface NormalEquations {
  p: number;
  xtx: Float64Array;
  xty: Float64Array;
}

export function emptyNormalEquations(p: number): NormalEquations {
  return { p, xtx: new Float64Array(p * p), xty: new Float64Array(p) };
}

/**
 * Adds rows [from, to) of a row-major design `x` (stride p) with targets `y` to `ne`.
 * Rows whose target is NaN are skipped, so a caller can mark unusable rows without compacting.
 */
export function accumulateRows(ne: NormalEquations, x: Float64Array, y: Float64Array, from: number, to: number): void {
  const { p, xtx, xty } = ne;
  for (let r = from; r < to; r++) {
    const yr = y[r];
    if (yr !== yr) continue;
    const base = r * p;
    for (let i = 0; i < p; i++) {
      const xi = x[base + i];
      if (xi === 0) continue;
      xty[i] += xi * yr;
      const rowI = i * p;
      for (let j = i; j < p; j++) xtx[rowI + j] += xi * x[base + j];
    }
  }
}

/**
 * Solves (X'X + λ·diag(X'X) on non-intercept columns) β = X'y by Cholesky.
 * The ridge term is relative to each column's own scale, so it needs no feature standardization,
 * and it keeps collinear designs (weekday dummies next to weekly Fourier terms, short histories) well posed.
 * Column 0 is the intercept and is not penalized. Columns that are all zero get β = 0.
 */
export function solveRidge(ne: NormalEquations, lambda: number): Float64Array {
  const { p } = ne;
  const a = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = ne.xtx[i * p + j];
      a[i * p + j] = v;
      a[j * p + i] = v;
    }
  }
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, a[i * p + i]);
  const floor = maxDiag * 1e-12 + 1e-300;
  for (let i = 1; i < p; i++) a[i * p + i] += lambda * a[i * p + i] + floor;
  a[0] += floor;
  // Cholesky: a = L L' stored in the lower triangle.
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    if (d <= floor) d = floor;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / ljj;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = ne.xty[i];
    for (let k = 0; k < i; k++) s -= a[i * p + k] * z[k];
    z[i] = s / a[i * p + i];
  }
  const beta = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= a[k * p + i] * beta[k];
    beta[i] = s / a[i * p + i];
  }
  return beta;
}
