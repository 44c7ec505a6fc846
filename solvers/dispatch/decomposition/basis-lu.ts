// Sparse LU factorization of the master's working basis, updated in place by Forrest-Tomlin between refactorizations.
import { resized } from '../../../src/typed-arrays.js';
import { DecompositionNumericalError } from './numerical-error.js';

/** A pivot is accepted when at least this fraction of the largest entry of its column (threshold partial pivoting). */
const THRESHOLD = 0.1;
const SINGULAR_TOL = 1e-12;
/**
 * Entries of an update below this magnitude are rounding left where an entry cancels, and are not stored (HiGHS's
 * kHighsTiny). Not relative to the largest entry, as the product-form operators' drop was: a spike's entries span
 * many orders of magnitude (kW sums next to unit columns), and dropping those below 1e-12 of its largest lost the
 * solves' accuracy within a hundred updates (residual 1e-4 where a fresh factorization gave 1e-13, 400 × 96 on 10
 * feeders) until the basis was taken for singular.
 */
const DROP_TOL = 1e-14;
/**
 * An update's new diagonal must agree with the one the solve before it implies (α_p times the old diagonal) to this
 * relative tolerance; otherwise the factors have lost accuracy and the caller refactorizes.
 */
const UPDATE_TOL = 1e-7;
/** Room left after each row and column of U for the entries updates append. */
const SLACK = 4;

/**
 * W = L·R⁻¹·U: L from Gaussian elimination in a Markowitz-like order (the column with the fewest nonzeros left, in it
 * the acceptable row with the fewest), U triangular in a pivot order that updates change, and R the row operations
 * of the updates since (Forrest-Tomlin: W⁻¹ = U⁻¹·R_s ⋯ R_1·L⁻¹).
 *
 * Why not the dense inverse: with feeder rows the master's working basis reaches several hundred rows, and its
 * inverse is about 40 % full (the target rows link every feeder), so every column exchange rewrote ~10⁵ entries.
 * The basis itself is sparse and nearly block-angular (a plan column touches the target rows and its own feeder's
 * rows only), so eliminating the feeder rows first keeps L and U small.
 *
 * Why Forrest-Tomlin rather than product-form updates: a product-form operator holds the new column's W⁻¹·a, which
 * is dense where the target rows link the feeders (about 180 entries at m ≈ 600, applied by every later solve); a
 * Forrest-Tomlin update instead writes L⁻¹·a into U (sparse: the basis is) and one row operation over the pivots
 * after the replaced one.
 *
 * Positions (the basis's columns) and rows are both 0 … m−1; solves take and give dense vectors.
 */
export class BasisLu {
  private m = 0;
  /** Pivot k: its row and position, and the pivot value (U's diagonal). */
  private pivRow = new Int32Array(0);
  private pivCol = new Int32Array(0);
  private pivVal = new Float64Array(0);
  /** The pivot of each position. */
  private colPivot = new Int32Array(0);
  /** Pivots in U's triangular order, and each pivot's place in it. */
  private seq = new Int32Array(0);
  private seqPos = new Int32Array(0);
  /** L: per pivot k of the factorization, (row, multiplier) pairs in lStart[k] … lStart[k + 1]. */
  private lStart = new Int32Array(1);
  private lIdx = new Int32Array(1024);
  private lVal = new Float64Array(1024);
  /** U's rows as the factorization leaves them: per pivot k, the (position, value) pairs after the pivot. */
  private uStart = new Int32Array(1);
  private uIdx = new Int32Array(1024);
  private uVal = new Float64Array(1024);
  /**
   * U's off-diagonal entries twice, as updates keep them: by row (W row r: positions) for btran and the updates' row
   * elimination, by position (W rows) for ftran. Each row and column is a slice start … start + len of its pool with
   * room up to cap; one that outgrows it moves to the pool's end.
   */
  private rowStart = new Int32Array(0);
  private rowLen = new Int32Array(0);
  private rowCap = new Int32Array(0);
  private rowIdx = new Int32Array(1024);
  private rowVal = new Float64Array(1024);
  private rowEnd = 0;
  private colStart = new Int32Array(0);
  private colLen = new Int32Array(0);
  private colCap = new Int32Array(0);
  private colIdx = new Int32Array(1024);
  private colVal = new Float64Array(1024);
  private colEnd = 0;
  /** Live off-diagonal entries of U, and their count after the factorization. */
  private uEntries = 0;
  private uEntries0 = 0;
  /** R: per update s, row etaRow[s] less Σ multiplier × (row etaIdx[e]) over etaStart[s] … etaStart[s + 1]. */
  private readonly etaRow: number[] = [];
  private etaStart: number[] = [0];
  private etaIdx = new Int32Array(1024);
  private etaVal = new Float64Array(1024);
  /** L⁻¹·a after R (the column an update writes into U), saved by ftran when asked. */
  private spike = new Float64Array(0);
  private spikeValid = false;
  /** Set when an update failed its accuracy check: the factors are unusable until the next factor(). */
  private broken = false;
  private work = new Float64Array(0);
  private rowWork = new Float64Array(0);
  private dense = new Float64Array(0);
  private scratch = new Int32Array(0);
  private active = new Uint8Array(0);
  private readonly colRows: number[][] = [];
  private readonly rowCols: number[][] = [];

  /** Updates applied since the last factorization. */
  get updates(): number {
    return this.etaRow.length;
  }

  /** Entries the updates added to what a solve reads: U's growth and the row operations. */
  get updateEntries(): number {
    return this.uEntries - this.uEntries0 + this.etaStart[this.etaStart.length - 1];
  }

  /** Entries of L and U after the last factorization. */
  get factorEntries(): number {
    return this.lStart[this.m] + this.uEntries0 + this.m;
  }

  /** Whether an update failed its accuracy check (factor afresh before the next solve). */
  get needsFactor(): boolean {
    return this.broken;
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
    for (let r = 0; r < m; r++) rowCols[r].length = 0;
    for (let c = 0; c < m; c++) {
      const rows = colRows[c];
      rows.length = 0;
      const col = c * m;
      column(c, (r, v) => {
        a[col + r] += v;
        if (seen[r] !== c) ((seen[r] = c), rows.push(r));
      });
      let kept = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        if (a[col + r] === 0) continue;
        rows[kept++] = r;
        rowCols[r].push(c);
        rowCount[r]++;
      }
      rows.length = kept;
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
        for (const r of colRows[c]) {
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
        for (const q of rowCols[r]) {
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
              colRows[q].push(ri);
              rowCols[ri].push(q);
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
    this.storeU();
  }

  /** U's rows and columns from the factorization's rows, with room to grow; no updates yet. */
  private storeU(): void {
    const { m, pivRow, pivCol, uStart, uIdx, uVal } = this;
    if (this.seq.length < m) {
      this.colPivot = new Int32Array(m);
      this.seq = new Int32Array(m);
      this.seqPos = new Int32Array(m);
      this.rowStart = new Int32Array(m);
      this.rowLen = new Int32Array(m);
      this.rowCap = new Int32Array(m);
      this.colStart = new Int32Array(m);
      this.colLen = new Int32Array(m);
      this.colCap = new Int32Array(m);
      this.spike = new Float64Array(m);
      this.rowWork = new Float64Array(m);
    }
    const nu = uStart[m];
    const pool = nu + SLACK * m;
    if (this.rowIdx.length < pool) {
      this.rowIdx = new Int32Array(2 * pool);
      this.rowVal = new Float64Array(2 * pool);
      this.colIdx = new Int32Array(2 * pool);
      this.colVal = new Float64Array(2 * pool);
    }
    const { rowStart, rowLen, rowCap, rowIdx, rowVal, colStart, colLen, colCap, colIdx, colVal } = this;
    colLen.fill(0, 0, m);
    let at = 0;
    for (let k = 0; k < m; k++) {
      this.seq[k] = k;
      this.seqPos[k] = k;
      this.colPivot[pivCol[k]] = k;
      const r = pivRow[k];
      const n = uStart[k + 1] - uStart[k];
      rowStart[r] = at;
      rowLen[r] = n;
      rowCap[r] = n + SLACK;
      rowIdx.set(uIdx.subarray(uStart[k], uStart[k + 1]), at);
      rowVal.set(uVal.subarray(uStart[k], uStart[k + 1]), at);
      at += n + SLACK;
      for (let e = uStart[k]; e < uStart[k + 1]; e++) colLen[uIdx[e]]++;
    }
    this.rowEnd = at;
    at = 0;
    for (let p = 0; p < m; p++) {
      colStart[p] = at;
      colCap[p] = colLen[p] + SLACK;
      at += colCap[p];
      colLen[p] = 0;
    }
    this.colEnd = at;
    for (let k = 0; k < m; k++) {
      const r = pivRow[k];
      for (let e = uStart[k]; e < uStart[k + 1]; e++) {
        const p = uIdx[e];
        const at = colStart[p] + colLen[p]++;
        colIdx[at] = r;
        colVal[at] = uVal[e];
      }
    }
    this.uEntries = this.uEntries0 = nu;
    this.etaRow.length = 0;
    this.etaStart = [0];
    this.spikeValid = false;
    this.broken = false;
  }

  /**
   * out = W⁻¹·v (v over rows, out over positions; v is left as it was). `saveSpike`: keep L⁻¹·v after R for an
   * exchange() that puts v into the basis next.
   */
  ftran(v: Float64Array, out: Float64Array, saveSpike = false): void {
    if (this.broken) throw new Error('BasisLu: solve after a failed update, before factor()');
    const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, seq, colStart, colLen, colIdx, colVal } = this;
    const w = this.work;
    w.set(v.subarray(0, m));
    for (let k = 0; k < m; k++) {
      const t = w[pivRow[k]];
      if (t === 0) continue;
      for (let e = lStart[k], end = lStart[k + 1]; e < end; e++) w[lIdx[e]] -= lVal[e] * t;
    }
    const { etaRow, etaStart, etaIdx, etaVal } = this;
    for (let s = 0; s < etaRow.length; s++) {
      let sum = 0;
      for (let e = etaStart[s], end = etaStart[s + 1]; e < end; e++) sum += etaVal[e] * w[etaIdx[e]];
      w[etaRow[s]] -= sum;
    }
    if (saveSpike) {
      this.spike.set(w.subarray(0, m));
      this.spikeValid = true;
    }
    // U·out = w, backward over the pivot order, by columns (a zero skips its column)
    for (let i = m - 1; i >= 0; i--) {
      const k = seq[i];
      const p = pivCol[k];
      const x = w[pivRow[k]] / pivVal[k];
      out[p] = x;
      if (x === 0) continue;
      for (let e = colStart[p], end = e + colLen[p]; e < end; e++) w[colIdx[e]] -= colVal[e] * x;
    }
  }

  /** out = cᵀ·W⁻¹ (c over positions, out over rows; c is left as it was). */
  btran(c: Float64Array, out: Float64Array): void {
    if (this.broken) throw new Error('BasisLu: solve after a failed update, before factor()');
    const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, seq, rowStart, rowLen, rowIdx, rowVal } = this;
    const acc = this.work;
    acc.set(c.subarray(0, m));
    // zᵀ·U = cᵀ, forward over the pivot order, by rows
    for (let i = 0; i < m; i++) {
      const k = seq[i];
      const r = pivRow[k];
      const z = acc[pivCol[k]] / pivVal[k];
      out[r] = z;
      if (z === 0) continue;
      for (let e = rowStart[r], end = e + rowLen[r]; e < end; e++) acc[rowIdx[e]] -= z * rowVal[e];
    }
    // then ·R_s ⋯ R_1, the newest first
    const { etaRow, etaStart, etaIdx, etaVal } = this;
    for (let s = etaRow.length - 1; s >= 0; s--) {
      const f = out[etaRow[s]];
      if (f === 0) continue;
      for (let e = etaStart[s], end = etaStart[s + 1]; e < end; e++) out[etaIdx[e]] -= etaVal[e] * f;
    }
    // then ·L⁻¹, backward over L
    for (let k = m - 1; k >= 0; k--) {
      let s = 0;
      for (let e = lStart[k], end = lStart[k + 1]; e < end; e++) s += out[lIdx[e]] * lVal[e];
      out[pivRow[k]] -= s;
    }
  }

  /**
   * Position p's column becomes the column v last given to ftran(v, alpha, true) (alpha = W⁻¹·v). Returns false when
   * the update fails its accuracy check: the factors are then unusable until the next factor().
   */
  exchange(p: number, alpha: Float64Array): boolean {
    if (!this.spikeValid) throw new Error('BasisLu.exchange: no column saved by ftran since the last update');
    return this.update(p, alpha[p]);
  }

  /**
   * Position p's column becomes itself less position `from`'s (a column operation: W stays nonsingular). Returns false
   * when the update fails its accuracy check, like exchange().
   */
  subtractColumn(p: number, from: number): boolean {
    if (this.broken) return false;
    const { pivRow, pivVal, colPivot, colStart, colLen, colIdx, colVal } = this;
    const s = this.spike;
    s.fill(0, 0, this.m);
    // in U's terms (W = L·R⁻¹·U): column p of U less column `from`, diagonals included
    for (let e = colStart[p], end = e + colLen[p]; e < end; e++) s[colIdx[e]] += colVal[e];
    s[pivRow[colPivot[p]]] += pivVal[colPivot[p]];
    for (let e = colStart[from], end = e + colLen[from]; e < end; e++) s[colIdx[e]] -= colVal[e];
    s[pivRow[colPivot[from]]] -= pivVal[colPivot[from]];
    return this.update(p, 1);
  }

  /**
   * Forrest-Tomlin: column p of U becomes the spike (its pivot t moves to the end of the order), and row t's entries
   * after the pivot are eliminated by the rows after it, which is the row operation R appended; the spike's entry in
   * row t, after R, is the new diagonal. alphaP: (W⁻¹·new column)_p, by which the diagonal must have grown.
   */
  private update(p: number, alphaP: number): boolean {
    this.spikeValid = false;
    if (this.broken) return false;
    const { m, pivRow, pivCol, pivVal, seq, seqPos, rowStart, rowLen, rowIdx, rowVal, colStart, colLen, colIdx } = this;
    const s = this.spike;
    const t = this.colPivot[p];
    const rt = pivRow[t];
    // the old column p leaves the rows
    for (let e = colStart[p], end = e + colLen[p]; e < end; e++) this.removeFromRow(colIdx[e], p);
    this.uEntries -= colLen[p];
    colLen[p] = 0;
    // row t's entries after the pivot leave the columns, into rw (over positions)
    const rw = this.rowWork;
    for (let e = rowStart[rt], end = e + rowLen[rt]; e < end; e++) {
      const q = rowIdx[e];
      rw[q] = rowVal[e];
      this.removeFromCol(q, rt);
    }
    this.uEntries -= rowLen[rt];
    rowLen[rt] = 0;
    // eliminate them over the pivots after t, in order: the multipliers are R's row
    let n = this.etaStart[this.etaStart.length - 1];
    let d = s[rt];
    for (let i = seqPos[t] + 1; i < m; i++) {
      const b = seq[i];
      const q = pivCol[b];
      const v = rw[q];
      if (v === 0) continue;
      rw[q] = 0;
      if (!(Math.abs(v) > DROP_TOL)) continue;
      const mu = v / pivVal[b];
      const rb = pivRow[b];
      if (n >= this.etaIdx.length) {
        this.etaIdx = resized(this.etaIdx, this.etaIdx.length * 2);
        this.etaVal = resized(this.etaVal, this.etaVal.length * 2);
      }
      this.etaIdx[n] = rb;
      this.etaVal[n++] = mu;
      d -= mu * s[rb];
      for (let e = rowStart[rb], end = e + rowLen[rb]; e < end; e++) rw[rowIdx[e]] -= mu * rowVal[e];
    }
    this.etaRow.push(rt);
    this.etaStart.push(n);
    const expected = alphaP * pivVal[t];
    if (!(Math.abs(d) > SINGULAR_TOL) || Math.abs(d - expected) > UPDATE_TOL * Math.max(1, Math.abs(expected))) {
      this.broken = true;
      return false;
    }
    // the spike is column p, the last in the order
    pivVal[t] = d;
    let nnz = 0;
    for (let r = 0; r < m; r++) if (r !== rt && Math.abs(s[r]) > DROP_TOL) nnz++;
    this.placeColumn(p, nnz);
    const cs = colStart[p];
    const { colIdx: cIdx, colVal: cVal } = this;
    for (let r = 0; r < m; r++) {
      if (r === rt || !(Math.abs(s[r]) > DROP_TOL)) continue;
      cIdx[cs + colLen[p]] = r;
      cVal[cs + colLen[p]++] = s[r];
      this.appendToRow(r, p, s[r]);
    }
    this.uEntries += nnz;
    const at = seqPos[t];
    seq.copyWithin(at, at + 1, m);
    seq[m - 1] = t;
    for (let i = at; i < m; i++) seqPos[seq[i]] = i;
    return true;
  }

  private removeFromRow(r: number, p: number): void {
    const { rowIdx, rowVal } = this;
    const start = this.rowStart[r];
    const last = start + --this.rowLen[r];
    for (let e = start; e <= last; e++)
      if (rowIdx[e] === p) {
        rowIdx[e] = rowIdx[last];
        rowVal[e] = rowVal[last];
        return;
      }
    throw new Error(`BasisLu: U row ${r} lacks position ${p}`);
  }

  private removeFromCol(p: number, r: number): void {
    const { colIdx, colVal } = this;
    const start = this.colStart[p];
    const last = start + --this.colLen[p];
    for (let e = start; e <= last; e++)
      if (colIdx[e] === r) {
        colIdx[e] = colIdx[last];
        colVal[e] = colVal[last];
        return;
      }
    throw new Error(`BasisLu: U column ${p} lacks row ${r}`);
  }

  /** Gives position p's (empty) column room for n entries, at the pool's end if its own slice is too small. */
  private placeColumn(p: number, n: number): void {
    if (this.colCap[p] >= n) return;
    const cap = n + SLACK;
    if (this.colEnd + cap > this.colIdx.length) {
      const size = 2 * (this.colEnd + cap);
      this.colIdx = resized(this.colIdx, size);
      this.colVal = resized(this.colVal, size);
    }
    this.colStart[p] = this.colEnd;
    this.colCap[p] = cap;
    this.colEnd += cap;
  }

  /** Appends (p, v) to U's row r, moving the row to the pool's end when its slice is full. */
  private appendToRow(r: number, p: number, v: number): void {
    const len = this.rowLen[r];
    if (len >= this.rowCap[r]) {
      const cap = 2 * len + SLACK;
      if (this.rowEnd + cap > this.rowIdx.length) {
        const size = 2 * (this.rowEnd + cap);
        this.rowIdx = resized(this.rowIdx, size);
        this.rowVal = resized(this.rowVal, size);
      }
      const from = this.rowStart[r];
      this.rowIdx.copyWithin(this.rowEnd, from, from + len);
      this.rowVal.copyWithin(this.rowEnd, from, from + len);
      this.rowStart[r] = this.rowEnd;
      this.rowCap[r] = cap;
      this.rowEnd += cap;
    }
    const at = this.rowStart[r] + this.rowLen[r]++;
    this.rowIdx[at] = p;
    this.rowVal[at] = v;
  }
}
