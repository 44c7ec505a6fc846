// Sparse LU factorization of the master's working basis with product-form updates between refactorizations.
import { resized } from '../../../src/typed-arrays.js';
import { DecompositionNumericalError } from './numerical-error.js';

/** A pivot is accepted when at least this fraction of the largest entry of its column (threshold partial pivoting). */
const THRESHOLD = 0.1;
const SINGULAR_TOL = 1e-12;
/**
 * An update operator's entries below this fraction of its largest are rounding left from cancellations in ftran, not
 * values, and are not stored. Measured at 1000 × 96 on 25 feeders: the operators' entries, relative to their column's
 * largest, fall into two groups with almost nothing between 1e-11 and 1e-12 — values down to 1e-11, and rounding
 * (1e-12 and below) that made up 40 % of all entries, each applied in every ftran and btran until the next
 * refactorization.
 */
const DROP_TOL = 1e-12;

/**
 * W = M⁻¹·U' from Gaussian elimination in a Markowitz-like order (the column with the fewest nonzeros left, in it the
 * acceptable row with the fewest), then a product of update operators R_s ⋯ R_1 after it: W_now⁻¹ = R_s ⋯ R_1·W⁻¹.
 *
 * Why not the dense inverse: with feeder rows the master's working basis reaches several hundred rows, and its
 * inverse is about 40 % full (the target rows link every feeder), so every column exchange rewrote ~10⁵ entries.
 * The basis itself is sparse and nearly block-angular (a plan column touches the target rows and its own feeder's
 * rows only), so eliminating the feeder rows first keeps L and U small, and an update only appends an operator.
 *
 * Positions (the basis's columns) and rows are both 0 … m−1; solves take and give dense vectors.
 */
export class BasisLu {
  private m = 0;
  /** Pivot k: its row and position, and the pivot value. */
  private pivRow = new Int32Array(0);
  private pivCol = new Int32Array(0);
  private pivVal = new Float64Array(0);
  /** L: per pivot k, (row, multiplier) pairs in lStart[k] … lStart[k + 1]. */
  private lStart = new Int32Array(1);
  private lIdx = new Int32Array(1024);
  private lVal = new Float64Array(1024);
  /** U: per pivot k, the (position, value) pairs of its row after the pivot. */
  private uStart = new Int32Array(1);
  private uIdx = new Int32Array(1024);
  private uVal = new Float64Array(1024);
  /**
   * Update operators: kind 0 exchanges position `p` (entries α, g = α_p), kind 1 is I − g·y·1ᵀ over `members`
   * (entries y).
   */
  private readonly etaKind: number[] = [];
  private readonly etaP: number[] = [];
  private readonly etaG: number[] = [];
  private etaStart: number[] = [0];
  private etaIdx = new Int32Array(1024);
  private etaVal = new Float64Array(1024);
  private readonly memberStart: number[] = [0];
  private readonly members: number[] = [];
  private work = new Float64Array(0);
  private dense = new Float64Array(0);
  private scratch = new Int32Array(0);
  private active = new Uint8Array(0);
  /**
   * Rows of each column and columns of each row that may hold a nonzero, the first colLen[c] / rowLen[r] entries of
   * each list. The lists keep their storage between factorizations (emptying a JS array frees it, and refilling it
   * reallocated every list at every factorization).
   */
  private readonly colRows: number[][] = [];
  private readonly rowCols: number[][] = [];
  private colLen = new Int32Array(0);
  private rowLen = new Int32Array(0);

  /** Update operators applied since the last factorization. */
  get updates(): number {
    return this.etaKind.length;
  }

  /** Entries of the update operators (what a solve spends on them). */
  get updateEntries(): number {
    return this.etaStart[this.etaStart.length - 1];
  }

  /** Entries of L and U. */
  get factorEntries(): number {
    return this.lStart[this.m] + this.uStart[this.m];
  }

  /**
   * Factorizes the m×m matrix whose column p's entries `column(p, emit)` emits (a row may come more than once: the
   * values add up). Throws DecompositionNumericalError on a singular matrix.
   */
  factor(m: number, column: (p: number, emit: (row: number, value: number) => void) => void): void {
    this.m = m;
    if (this.pivRow.length < m) {
      this.pivRow = new Int32Array(m);
      this.pivCol = new Int32Array(m);
      this.pivVal = new Float64Array(m);
      this.lStart = new Int32Array(m + 1);
      this.uStart = new Int32Array(m + 1);
      this.work = new Float64Array(m);
      this.scratch = new Int32Array(11 * m + 1);
      this.active = new Uint8Array(2 * m);
    }
    while (this.colRows.length < m) (this.colRows.push([]), this.rowCols.push([]));
    if (this.colLen.length < m) ((this.colLen = new Int32Array(m)), (this.rowLen = new Int32Array(m)));
    const { colLen, rowLen } = this;
    const append = (list: number[], len: Int32Array, at: number, v: number) => {
      if (len[at] < list.length) list[len[at]++] = v;
      else (list.push(v), len[at]++);
    };
    // the active submatrix, dense by columns for random access (a[c·m + r]; kept zero between factorizations: only
    // its nonzeros are cleared)
    if (this.dense.length < m * m) this.dense = new Float64Array(m * m);
    const a = this.dense;
    // scratch reused from one factorization to the next (a refactorization comes every few dozen iterations)
    const w = this.scratch;
    const colCount = w.subarray(0, m).fill(0);
    const rowCount = w.subarray(m, 2 * m).fill(0);
    const seen = w.subarray(2 * m, 3 * m).fill(-1);
    const head = w.subarray(3 * m, 4 * m + 1).fill(-1);
    const next = w.subarray(4 * m + 1, 5 * m + 1);
    const prev = w.subarray(5 * m + 1, 6 * m + 1);
    const bucket = w.subarray(6 * m + 1, 7 * m + 1);
    const colNz = w.subarray(7 * m + 1, 8 * m + 1);
    const rowNz = w.subarray(8 * m + 1, 9 * m + 1);
    const rowMark = w.subarray(9 * m + 1, 10 * m + 1).fill(-1);
    const colMark = w.subarray(10 * m + 1, 11 * m + 1).fill(-1);
    const rowActive = this.active.subarray(0, m).fill(1);
    const colActive = this.active.subarray(m, 2 * m).fill(1);
    // rows of each column and columns of each row that may hold a nonzero (fill is appended; stale ones are skipped)
    const { colRows, rowCols } = this;
    rowLen.fill(0, 0, m);
    for (let c = 0; c < m; c++) {
      const rows = colRows[c];
      colLen[c] = 0;
      const col = c * m;
      column(c, (r, v) => {
        a[col + r] += v;
        if (seen[r] !== c) ((seen[r] = c), append(rows, colLen, c, r));
      });
      let kept = 0;
      for (let i = 0, n = colLen[c]; i < n; i++) {
        const r = rows[i];
        if (a[col + r] === 0) continue;
        rows[kept++] = r;
        append(rowCols[r], rowLen, r, c);
        rowCount[r]++;
      }
      colLen[c] = kept;
      colCount[c] = kept;
    }
    // active columns in buckets by count, so that the sparsest is found without a scan
    const unlink = (c: number) => {
      if (prev[c] >= 0) next[prev[c]] = next[c];
      else head[bucket[c]] = next[c];
      if (next[c] >= 0) prev[next[c]] = prev[c];
    };
    const link = (c: number) => {
      const b = (bucket[c] = Math.min(colCount[c], m));
      next[c] = head[b];
      prev[c] = -1;
      if (head[b] >= 0) prev[head[b]] = c;
      head[b] = c;
    };
    const recount = (c: number, delta: number) => {
      unlink(c);
      colCount[c] += delta;
      link(c);
    };
    for (let c = 0; c < m; c++) link(c);
    let nl = 0;
    let nu = 0;
    try {
      for (let k = 0; k < m; k++) {
        // the active column with the fewest nonzeros
        let b = 0;
        while (head[b] < 0) b++;
        const c = head[b];
        unlink(c);
        let nc = 0;
        let big = 0;
        const rowsOfC = colRows[c];
        for (let i = 0, n = colLen[c]; i < n; i++) {
          const r = rowsOfC[i];
          if (!rowActive[r] || rowMark[r] === k) continue;
          const v = a[c * m + r];
          if (v === 0) continue;
          rowMark[r] = k;
          colNz[nc++] = r;
          if (Math.abs(v) > big) big = Math.abs(v);
        }
        if (big < SINGULAR_TOL) throw new DecompositionNumericalError('singular-basis', 'master basis is singular');
        // in it, the acceptable row with the fewest nonzeros
        let r = -1;
        for (let i = 0; i < nc; i++) {
          const ri = colNz[i];
          if (Math.abs(a[c * m + ri]) < THRESHOLD * big) continue;
          if (r < 0 || rowCount[ri] < rowCount[r]) r = ri;
        }
        const colC = c * m;
        const d = a[colC + r];
        a[colC + r] = 0;
        this.pivRow[k] = r;
        this.pivCol[k] = c;
        this.pivVal[k] = d;
        rowActive[r] = 0;
        colActive[c] = 0;
        // U: the pivot row's other active entries (taken out of the active matrix)
        let nr = 0;
        this.uStart[k] = nu;
        const colsOfR = rowCols[r];
        for (let i = 0, n = rowLen[r]; i < n; i++) {
          const q = colsOfR[i];
          if (!colActive[q] || colMark[q] === k) continue;
          const v = a[q * m + r];
          if (v === 0) continue;
          a[q * m + r] = 0;
          colMark[q] = k;
          rowNz[nr++] = q;
          if (nu >= this.uIdx.length) {
            this.uIdx = resized(this.uIdx, this.uIdx.length * 2);
            this.uVal = resized(this.uVal, this.uVal.length * 2);
          }
          this.uIdx[nu] = q;
          this.uVal[nu++] = v;
          recount(q, -1);
        }
        // L: the multipliers of the column below the pivot
        const l0 = nl;
        this.lStart[k] = nl;
        for (let i = 0; i < nc; i++) {
          const ri = colNz[i];
          if (ri === r) continue;
          if (nl >= this.lIdx.length) {
            this.lIdx = resized(this.lIdx, this.lIdx.length * 2);
            this.lVal = resized(this.lVal, this.lVal.length * 2);
          }
          this.lIdx[nl] = ri;
          this.lVal[nl++] = a[colC + ri] / d;
          a[colC + ri] = 0;
          rowCount[ri]--;
        }
        // eliminate, one column of the pivot row at a time (contiguous in the column-major submatrix)
        const { lIdx, lVal, uVal } = this;
        for (let j = 0; j < nr; j++) {
          const q = rowNz[j];
          const u = uVal[nu - nr + j];
          const colQ = q * m;
          for (let e = l0; e < nl; e++) {
            const ri = lIdx[e];
            const before = a[colQ + ri];
            const after = before - lVal[e] * u;
            a[colQ + ri] = after;
            if (before === 0 && after !== 0) {
              rowCount[ri]++;
              recount(q, 1);
              append(colRows[q], colLen, q, ri);
              append(rowCols[ri], rowLen, ri, q);
            } else if (before !== 0 && after === 0) {
              rowCount[ri]--;
              recount(q, -1);
            }
          }
        }
      }
    } catch (err) {
      a.fill(0, 0, m * m);
      throw err;
    }
    this.lStart[m] = nl;
    this.uStart[m] = nu;
    this.etaKind.length = 0;
    this.etaP.length = 0;
    this.etaG.length = 0;
    this.etaStart = [0];
    this.memberStart.length = 1;
    this.members.length = 0;
  }

  /**
   * Appends an update operator with the nonzeros of v, less those below DROP_TOL of its largest entry (entry p of an
   * exchange, its pivot, is always kept: btran takes it out of the dot product again).
   */
  private pushEta(kind: number, p: number, g: number, v: Float64Array): void {
    let big = 0;
    for (let i = 0; i < this.m; i++) if (Math.abs(v[i]) > big) big = Math.abs(v[i]);
    const drop = DROP_TOL * big;
    let n = this.etaStart[this.etaStart.length - 1];
    for (let i = 0; i < this.m; i++) {
      if (!(Math.abs(v[i]) > drop) && i !== p) continue;
      if (n >= this.etaIdx.length) {
        this.etaIdx = resized(this.etaIdx, this.etaIdx.length * 2);
        this.etaVal = resized(this.etaVal, this.etaVal.length * 2);
      }
      this.etaIdx[n] = i;
      this.etaVal[n++] = v[i];
    }
    this.etaKind.push(kind);
    this.etaP.push(p);
    this.etaG.push(g);
    this.etaStart.push(n);
  }

  /** Position p's column is exchanged; alpha = W⁻¹·(new column) from ftran before the exchange. */
  exchange(p: number, alpha: Float64Array): void {
    this.pushEta(0, p, alpha[p], alpha);
    this.memberStart.push(this.members.length);
  }

  /** W ← W + sign·u·1ᵀ over positions `members`, given y = W⁻¹·u. Throws if that makes W singular. */
  rankOne(members: readonly number[], y: Float64Array, sign: number): void {
    let vy = 0;
    for (const p of members) vy += y[p];
    const denom = 1 + sign * vy;
    if (Math.abs(denom) < SINGULAR_TOL)
      throw new DecompositionNumericalError('singular-basis', 'master key change is singular');
    this.pushEta(1, -1, sign / denom, y);
    for (const p of members) this.members.push(p);
    this.memberStart.push(this.members.length);
  }

  /** out = W⁻¹·v (v over rows, out over positions; v is left as it was). */
  ftran(v: Float64Array, out: Float64Array): void {
    const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, uStart, uIdx, uVal } = this;
    const w = this.work;
    w.set(v.subarray(0, m));
    for (let k = 0; k < m; k++) {
      const t = w[pivRow[k]];
      if (t === 0) continue;
      for (let e = lStart[k], end = lStart[k + 1]; e < end; e++) w[lIdx[e]] -= lVal[e] * t;
    }
    for (let k = m - 1; k >= 0; k--) {
      let s = w[pivRow[k]];
      for (let e = uStart[k], end = uStart[k + 1]; e < end; e++) s -= uVal[e] * out[uIdx[e]];
      out[pivCol[k]] = s / pivVal[k];
    }
    const { etaStart, etaIdx, etaVal, etaKind, etaP, etaG, memberStart, members } = this;
    for (let s = 0; s < etaKind.length; s++) {
      const e0 = etaStart[s];
      const e1 = etaStart[s + 1];
      if (etaKind[s] === 0) {
        const p = etaP[s];
        const vp = out[p] / etaG[s];
        if (vp !== 0) for (let e = e0; e < e1; e++) out[etaIdx[e]] -= etaVal[e] * vp;
        out[p] = vp;
      } else {
        let sum = 0;
        for (let i = memberStart[s]; i < memberStart[s + 1]; i++) sum += out[members[i]];
        const f = etaG[s] * sum;
        if (f !== 0) for (let e = e0; e < e1; e++) out[etaIdx[e]] -= f * etaVal[e];
      }
    }
  }

  /** out = cᵀ·W⁻¹ (c over positions, out over rows; c is left as it was). */
  btran(c: Float64Array, out: Float64Array): void {
    const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, uStart, uIdx, uVal } = this;
    const acc = this.work;
    acc.set(c.subarray(0, m));
    const { etaStart, etaIdx, etaVal, etaKind, etaP, etaG, memberStart, members } = this;
    for (let s = etaKind.length - 1; s >= 0; s--) {
      const e0 = etaStart[s];
      const e1 = etaStart[s + 1];
      let dot = 0;
      for (let e = e0; e < e1; e++) dot += acc[etaIdx[e]] * etaVal[e];
      if (etaKind[s] === 0) {
        const p = etaP[s];
        const ap = etaG[s];
        // r_p' = (r_p − Σ_{i≠p} r_i α_i) / α_p
        acc[p] = (acc[p] - (dot - acc[p] * ap)) / ap;
      } else {
        const f = etaG[s] * dot;
        if (f !== 0) for (let i = memberStart[s]; i < memberStart[s + 1]; i++) acc[members[i]] -= f;
      }
    }
    // zᵀ·U' = accᵀ, forward over the pivots; then yᵀ = zᵀ·M, backward over L
    for (let k = 0; k < m; k++) {
      const z = acc[pivCol[k]] / pivVal[k];
      out[pivRow[k]] = z;
      if (z === 0) continue;
      for (let e = uStart[k], end = uStart[k + 1]; e < end; e++) acc[uIdx[e]] -= z * uVal[e];
    }
    for (let k = m - 1; k >= 0; k--) {
      let s = 0;
      for (let e = lStart[k], end = lStart[k + 1]; e < end; e++) s += out[lIdx[e]] * lVal[e];
      out[pivRow[k]] -= s;
    }
  }
}
