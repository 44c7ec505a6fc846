// Sparse LU factorization of the master's working basis with product-form updates between refactorizations.
import { LuArrays } from './basis-lu-kernels.js';
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
  /**
   * Pivot k's row and position and the pivot value (pivRow, pivCol, pivVal); L, per pivot k, (row, multiplier) pairs
   * in lStart[k] … lStart[k + 1] (lIdx, lVal); U, per pivot k, the (position, value) pairs of its row after the
   * pivot (uStart, uIdx, uVal). Update operators s < nEta: kind 0 exchanges position etaP[s] (entries α, etaG[s] =
   * α_p), kind 1 is I − etaG[s]·y·1ᵀ over members memberStart[s] … memberStart[s + 1] (entries y); their entries in
   * etaStart[s] … etaStart[s + 1]. All in the kernels' memory, where the solves run (basis-lu-kernels.wat); made at
   * the first factorization (a master below the sparse size never needs one).
   */
  private arrays: LuArrays | undefined;
  private nEta = 0;
  private nMembers = 0;
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
    return this.nEta;
  }

  /** Entries of the update operators (what a solve spends on them). */
  get updateEntries(): number {
    return this.nEta > 0 ? this.arrays!.etaStart[this.nEta] : 0;
  }

  /** Entries of L and U. */
  get factorEntries(): number {
    return this.arrays ? this.arrays.lStart[this.m] + this.arrays.uStart[this.m] : 0;
  }

  /**
   * Factorizes the m×m matrix whose column p's entries `column(p, emit)` emits (a row may come more than once: the
   * values add up). Throws DecompositionNumericalError on a singular matrix.
   */
  factor(m: number, column: (p: number, emit: (row: number, value: number) => void) => void): void {
    this.m = m;
    const s = (this.arrays ??= new LuArrays());
    if (s.pivRow.length < m) {
      for (const name of ['pivRow', 'pivCol', 'pivVal', 'work', 'input', 'output'] as const) s.reserve(name, m);
      s.reserve('lStart', m + 1);
      s.reserve('uStart', m + 1);
      this.scratch = new Int32Array(11 * m + 1);
      this.active = new Uint8Array(2 * m);
    }
    if (s.lIdx.length === 0) for (const name of ['lIdx', 'lVal', 'uIdx', 'uVal'] as const) s.reserve(name, 1024);
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
        s.pivRow[k] = r;
        s.pivCol[k] = c;
        s.pivVal[k] = d;
        rowActive[r] = 0;
        colActive[c] = 0;
        // U: the pivot row's other active entries (taken out of the active matrix)
        let nr = 0;
        s.uStart[k] = nu;
        const colsOfR = rowCols[r];
        for (let i = 0, n = rowLen[r]; i < n; i++) {
          const q = colsOfR[i];
          if (!colActive[q] || colMark[q] === k) continue;
          const v = a[q * m + r];
          if (v === 0) continue;
          a[q * m + r] = 0;
          colMark[q] = k;
          rowNz[nr++] = q;
          if (nu >= s.uIdx.length) (s.reserve('uIdx', 2 * nu, nu), s.reserve('uVal', 2 * nu, nu));
          s.uIdx[nu] = q;
          s.uVal[nu++] = v;
          recount(q, -1);
        }
        // L: the multipliers of the column below the pivot
        const l0 = nl;
        s.lStart[k] = nl;
        for (let i = 0; i < nc; i++) {
          const ri = colNz[i];
          if (ri === r) continue;
          if (nl >= s.lIdx.length) (s.reserve('lIdx', 2 * nl, nl), s.reserve('lVal', 2 * nl, nl));
          s.lIdx[nl] = ri;
          s.lVal[nl++] = a[colC + ri] / d;
          a[colC + ri] = 0;
          rowCount[ri]--;
        }
        // eliminate, one column of the pivot row at a time (contiguous in the column-major submatrix)
        const { lIdx, lVal, uVal } = s;
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
    s.lStart[m] = nl;
    s.uStart[m] = nu;
    this.nEta = 0;
    this.nMembers = 0;
    if (s.etaStart.length === 0)
      for (const name of ['etaStart', 'memberStart', 'etaKind', 'etaP', 'etaG'] as const) s.reserve(name, 64);
    s.etaStart[0] = 0;
    s.memberStart[0] = 0;
  }

  /**
   * Appends an update operator with the nonzeros of v, less those below DROP_TOL of its largest entry (entry p of an
   * exchange, its pivot, is always kept: btran takes it out of the dot product again), and its members.
   */
  private pushEta(kind: number, p: number, g: number, v: Float64Array, members: readonly number[] = []): void {
    const { m } = this;
    const s = this.arrays!;
    const k = this.nEta;
    if (k + 2 > s.etaKind.length) {
      const size = 2 * (k + 2);
      s.reserve('etaKind', size, k);
      s.reserve('etaP', size, k);
      s.reserve('etaG', size, k);
      s.reserve('etaStart', size, k + 1);
      s.reserve('memberStart', size, k + 1);
    }
    let n = s.etaStart[k];
    if (n + m > s.etaIdx.length) {
      const size = Math.max(2 * s.etaIdx.length, n + m, 1024);
      s.reserve('etaIdx', size, n);
      s.reserve('etaVal', size, n);
    }
    if (this.nMembers + members.length > s.members.length)
      s.reserve('members', Math.max(2 * s.members.length, this.nMembers + members.length, 64), this.nMembers);
    let big = 0;
    for (let i = 0; i < m; i++) if (Math.abs(v[i]) > big) big = Math.abs(v[i]);
    const drop = DROP_TOL * big;
    const { etaIdx, etaVal } = s;
    for (let i = 0; i < m; i++) {
      if (!(Math.abs(v[i]) > drop) && i !== p) continue;
      etaIdx[n] = i;
      etaVal[n++] = v[i];
    }
    s.etaKind[k] = kind;
    s.etaP[k] = p;
    s.etaG[k] = g;
    s.etaStart[k + 1] = n;
    for (const q of members) s.members[this.nMembers++] = q;
    s.memberStart[k + 1] = this.nMembers;
    this.nEta = k + 1;
  }

  /** Position p's column is exchanged; alpha = W⁻¹·(new column) from ftran before the exchange. */
  exchange(p: number, alpha: Float64Array): void {
    this.pushEta(0, p, alpha[p], alpha);
  }

  /** W ← W + sign·u·1ᵀ over positions `members`, given y = W⁻¹·u. Throws if that makes W singular. */
  rankOne(members: readonly number[], y: Float64Array, sign: number): void {
    let vy = 0;
    for (const p of members) vy += y[p];
    const denom = 1 + sign * vy;
    if (Math.abs(denom) < SINGULAR_TOL)
      throw new DecompositionNumericalError('singular-basis', 'master key change is singular');
    this.pushEta(1, -1, sign / denom, y, members);
  }

  /**
   * out = W⁻¹·v (v over rows, out over positions; v is left as it was): L forward, U backward, then the update
   * operators oldest first, in the kernels' memory (basis-lu-kernels.wat).
   */
  ftran(v: Float64Array, out: Float64Array): void {
    const { m } = this;
    const s = this.arrays!;
    s.input.set(v.subarray(0, m));
    s.ftran(m, this.nEta);
    out.set(s.output.subarray(0, m));
  }

  /**
   * out = cᵀ·W⁻¹ (c over positions, out over rows; c is left as it was): the update operators newest first, then
   * zᵀ·U' = cᵀ forward over the pivots and yᵀ = zᵀ·M backward over L, in the kernels' memory.
   */
  btran(c: Float64Array, out: Float64Array): void {
    const { m } = this;
    const s = this.arrays!;
    s.input.set(c.subarray(0, m));
    s.btran(m, this.nEta);
    out.set(s.output.subarray(0, m));
  }
}
