// Dense basis inverses for the two small simplexes: inversion by Gauss-Jordan and the eta update of a column exchange.
// Both skip zeros: the master's working basis is mostly unit columns, so its inverse is mostly zeros and an update
// touches only the nonzeros of its pivot row.
import { DecompositionNumericalError } from './numerical-error.js';

/**
 * Writes the inverse of the m×m matrix w (row-major, row stride m; destroyed) into inv (row stride `stride`).
 * Gauss-Jordan with row pivoting on [w | I] leaves [I | w⁻¹]; columns taken in their order (put sparse ones first
 * to keep fill low). `nz` is scratch of at least 2m entries. Throws on a singular matrix.
 */
export function invert(
  w: Float64Array,
  m: number,
  inv: Float64Array,
  stride: number,
  nz: Int32Array = new Int32Array(2 * m),
): void {
  for (let r = 0; r < m; r++) for (let q = 0; q < m; q++) inv[r * stride + q] = r === q ? 1 : 0;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(w[r * m + c]) > Math.abs(w[piv * m + c])) piv = r;
    const pv = w[piv * m + c];
    if (Math.abs(pv) < 1e-12) throw new DecompositionNumericalError('singular-basis', 'basis matrix is singular');
    if (piv !== c) {
      for (let q = 0; q < m; q++) {
        let t = w[c * m + q];
        w[c * m + q] = w[piv * m + q];
        w[piv * m + q] = t;
        t = inv[c * stride + q];
        inv[c * stride + q] = inv[piv * stride + q];
        inv[piv * stride + q] = t;
      }
    }
    const f = 1 / pv;
    // the pivot row's nonzeros: of w right of the diagonal (the left part is eliminated), and of the inverse
    let kw = 0;
    let ki = m;
    for (let q = c; q < m; q++) if (w[c * m + q] !== 0) ((w[c * m + q] *= f), (nz[kw++] = q));
    for (let q = 0; q < m; q++) if (inv[c * stride + q] !== 0) ((inv[c * stride + q] *= f), (nz[ki++] = q));
    for (let r = 0; r < m; r++) {
      const g = r === c ? 0 : w[r * m + c];
      if (g === 0) continue;
      for (let k = 0; k < kw; k++) w[r * m + nz[k]] -= g * w[c * m + nz[k]];
      for (let k = m; k < ki; k++) inv[r * stride + nz[k]] -= g * inv[c * stride + nz[k]];
    }
  }
}

/**
 * B⁻¹ after the column at position p is exchanged, given α = B⁻¹·(entering column): row p over α_p, the others less
 * α_i × it. `nz` is scratch of at least m entries.
 */
export function exchangeColumn(
  inv: Float64Array,
  stride: number,
  m: number,
  alpha: Float64Array,
  p: number,
  nz: Int32Array = new Int32Array(m),
): void {
  const piv = alpha[p];
  const rowP = p * stride;
  let k = 0;
  for (let q = 0; q < m; q++) if (inv[rowP + q] !== 0) ((inv[rowP + q] /= piv), (nz[k++] = q));
  for (let i = 0; i < m; i++) {
    const f = alpha[i];
    if (i === p || f === 0) continue;
    const row = i * stride;
    for (let j = 0; j < k; j++) inv[row + nz[j]] -= f * inv[rowP + nz[j]];
  }
}
