// Dense basis inverses for the two small simplexes: inversion by Gauss-Jordan and the eta update of a column exchange.

/**
 * Writes the inverse of the m×m matrix w (row-major, row stride m; destroyed) into inv (row stride `stride`).
 * Gauss-Jordan with row pivoting on [w | I] leaves [I | w⁻¹]. Throws on a singular matrix.
 */
export function invert(w: Float64Array, m: number, inv: Float64Array, stride: number): void {
  for (let r = 0; r < m; r++) for (let q = 0; q < m; q++) inv[r * stride + q] = r === q ? 1 : 0;
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(w[r * m + c]) > Math.abs(w[piv * m + c])) piv = r;
    const pv = w[piv * m + c];
    if (Math.abs(pv) < 1e-12) throw new Error('basis matrix is singular');
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
    for (let q = 0; q < m; q++) (w[c * m + q] *= f), (inv[c * stride + q] *= f);
    for (let r = 0; r < m; r++) {
      const g = r === c ? 0 : w[r * m + c];
      if (g === 0) continue;
      for (let q = 0; q < m; q++) (w[r * m + q] -= g * w[c * m + q]), (inv[r * stride + q] -= g * inv[c * stride + q]);
    }
  }
}

/** B⁻¹ after the column at position p is exchanged, given α = B⁻¹·(entering column): row p over α_p, the others less α_i × it. */
export function exchangeColumn(inv: Float64Array, stride: number, m: number, alpha: Float64Array, p: number): void {
  const piv = alpha[p];
  const rowP = p * stride;
  for (let q = 0; q < m; q++) inv[rowP + q] /= piv;
  for (let i = 0; i < m; i++) {
    const f = alpha[i];
    if (i === p || f === 0) continue;
    const row = i * stride;
    for (let q = 0; q < m; q++) inv[row + q] -= f * inv[rowP + q];
  }
}
