// Primal simplex for the restricted master, with generalized upper bounding: only the coupling rows are factorized.
import { float64Vectors, resized, resizedEach } from '../../../src/typed-arrays.js';
import { ColumnStore } from './columns.js';
import { BasisLu } from './basis-lu.js';
import { exchangeColumn, invert } from './dense.js';
import { DecompositionNumericalError } from './numerical-error.js';

const AT_LOWER = -2;
const AT_UPPER = -3;
const KEY = -1;
/**
 * Basis changes between refactorizations of the working basis: at least this many, and at least m (a refactorization
 * costs up to m³, an update m × the pivot row's nonzeros; with the feeder rows held m reaches several hundred).
 */
const REFACTOR_EVERY = 128;
/**
 * Rows from which the working basis is a sparse LU instead of a dense inverse. With feeder rows held the master reaches
 * several hundred rows and the inverse is about 40 % full (the target rows link every feeder), so each column exchange
 * rewrote ~10⁵ entries, while the basis itself stays sparse (its LU holds 2.3k entries at 218 rows, 10k at 600). On
 * target rows only (m = the intervals, ~100) the dense inverse is the faster (measured: master 0.37 s against 0.52 s
 * at 200 × 96; the feeder-structured 200 × 96, m = 218, 0.84 s against 0.94-1.08 s; 1000 × 96, m = 600, 12 s
 * against 44 s).
 */
const SPARSE_FROM = 160;
/**
 * Updates between refactorizations of the sparse LU: at most this many, and fewer once the update operators hold more
 * entries than the factors and 8 per row (each solve pays for both; a factorization costs about as much as a few
 * dozen solves). At 1000 × 96 on 25 feeders, with the operators' rounding dropped (`BasisLu`), this bound instead of
 * twice the factors and 16 per row took the master from 13.6-14.0 s to 9.7-11.1 s; either change alone gave nothing.
 */
const LU_REFACTOR_EVERY = 100;
const CANDIDATES = 128;
/** Attractive columns a partial pricing pass looks for before it stops. */
const SECTION = 32;
const PIVOT_TOL = 1e-9;
const FEAS_TOL = 1e-9;

export interface GubSolveResult {
  readonly optimal: boolean;
  readonly iterations: number;
}

/**
 * min c·x subject to Σ_j a_j·x_j − w = 0 (one logical w_r ∈ [rowLower_r, rowUpper_r] per coupling row), bounds on
 * x, and Σ over each convexity set of x_j = 1. Every basis holds one key column per set; the other basic columns
 * form the working basis W, an m×m matrix over the coupling rows only, whose columns are a_j minus the key column
 * of j's set. W's inverse is kept dense (m is the number of intervals, about a hundred) and updated in place, so an
 * iteration costs O(m²) plus the pricing of a short candidate list; a full pricing pass over all columns refills it.
 * From SPARSE_FROM rows on (feeder rows held) W is a sparse LU with product-form updates instead (`BasisLu`): an
 * iteration then costs two solves with it. Logical columns occupy indices 0 … m−1.
 */
export class GubSimplex {
  /** Coupling rows (they may grow: addRows). */
  m: number;
  readonly cols = new ColumnStore();
  /** Per column: W position (≥ 0), KEY, AT_LOWER or AT_UPPER. */
  private status = new Int32Array(256);
  /** Column values. */
  x = new Float64Array(256);
  private key = new Int32Array(64);
  numSets = 0;
  private wCol!: Int32Array;
  private cW!: Float64Array;
  private inv!: Float64Array;
  /** Whether W is held as `lu` (m ≥ SPARSE_FROM) rather than as the dense `inv`; set by refactor(). */
  private sparse = false;
  private readonly lu = new BasisLu();
  /** Row duals (d objective / d row bound). */
  pi!: Float64Array;
  private tmp!: Float64Array;
  private alpha!: Float64Array;
  private zrow!: Float64Array;
  private zrow2!: Float64Array;
  /** Scratch: α's nonzero positions in an iteration. */
  private alphaNz!: Int32Array;
  /** Scratch: nonzero positions for the sparse products and updates of the inverse (2m for the inversion), and the refactorization's matrices. */
  private nz!: Int32Array;
  private work!: Float64Array;
  private invTmp!: Float64Array;
  private order!: Int32Array;
  /** Per column: the row whose logical it is, or -1. */
  private logicalRow = new Int32Array(256).fill(-1);
  private setRate = new Float64Array(64);
  private setMark = new Int32Array(64);
  private setTouched: number[] = [];
  private uStamp = new Int32Array(64);
  private uValue = new Float64Array(64);
  private stamp = 1;
  private updates = 0;
  private cand: number[] = [];
  /** Columns added since the last choice of an entering column. */
  private readonly fresh: number[] = [];
  /** Columns that pricing considers (retired columns leave this list). */
  private readonly active: number[] = [];
  private age = new Int32Array(256);
  private scanAt = 0;
  iterations = 0;

  /** `sparseFrom`: rows from which W is a sparse LU (tests give 0 to run every master on it). */
  constructor(
    rowLower: ArrayLike<number>,
    rowUpper: ArrayLike<number>,
    private readonly sparseFrom = SPARSE_FROM,
  ) {
    const m = (this.m = rowLower.length);
    this.allocateRows(m);
    for (let r = 0; r < m; r++) {
      const j = this.addLogical(r, rowLower[r], rowUpper[r]);
      this.wCol[r] = j;
    }
    this.refactor();
  }

  /** (Re)allocates everything sized by the number of rows; the inverse, values and duals follow from refactor(). */
  private allocateRows(m: number): void {
    const wCol = new Int32Array(m);
    if (this.wCol) wCol.set(this.wCol.subarray(0, Math.min(m, this.wCol.length)));
    this.wCol = wCol;
    this.cW = new Float64Array(m);
    // the dense inverse and its refactorization's matrices only below SPARSE_FROM rows
    const dense = m < this.sparseFrom ? m * m : 0;
    [this.inv, this.work, this.invTmp] = float64Vectors(3, dense);
    [this.pi, this.tmp, this.alpha, this.zrow, this.zrow2] = float64Vectors(5, m);
    this.nz = new Int32Array(2 * m);
    this.alphaNz = new Int32Array(m);
    this.order = new Int32Array(m);
  }

  /** The logical column of row r, basic at W position r. */
  private addLogical(r: number, lower: number, upper: number): number {
    const j = this.addColumn(0, lower, upper, -1);
    this.cols.entry(r, -1);
    this.logicalRow[j] = r;
    this.status[j] = r;
    return j;
  }

  /**
   * Appends coupling rows: `entries(j, emit)` gives every existing column's entries in them (row indices from m on).
   * Each new row's logical is basic at the new W position; a logical outside its bounds leaves the basis primal
   * infeasible until crash() swaps in a unit column of its row (add those columns first). Returns the logicals.
   */
  addRows(
    lower: readonly number[],
    upper: readonly number[],
    entries: (j: number, emit: (row: number, value: number) => void) => void,
  ): number[] {
    const m0 = this.m;
    const m = m0 + lower.length;
    this.cols.insertEntries(entries);
    this.m = m;
    this.allocateRows(m);
    const logicals: number[] = [];
    for (let k = 0; k < lower.length; k++) {
      const j = this.addLogical(m0 + k, lower[k], upper[k]);
      this.wCol[m0 + k] = j;
      logicals.push(j);
    }
    this.refactor();
    return logicals;
  }

  /** A new convexity set; its first column becomes its key (give the zero plan, which keeps the basis feasible). */
  addSet(): number {
    if (this.numSets >= this.key.length) {
      const size = this.key.length * 2;
      [this.key, this.setMark, this.uStamp] = resizedEach([this.key, this.setMark, this.uStamp], size);
      [this.setRate, this.uValue] = resizedEach([this.setRate, this.uValue], size);
    }
    this.key[this.numSets] = -1;
    return this.numSets++;
  }

  /** Appends a column at its lower bound (or as its set's key); follow with cols.entry() for its coupling entries. */
  addColumn(cost: number, lower: number, upper: number, set: number): number {
    const j = this.cols.add(cost, lower, upper, set);
    if (j >= this.status.length) {
      const old = this.status.length;
      this.status = resized(this.status, old * 2);
      this.x = resized(this.x, old * 2);
      this.age = resized(this.age, old * 2);
      // -1: the new columns are not logicals
      this.logicalRow = resized(this.logicalRow, old * 2).fill(-1, old);
    }
    if (set >= 0 && this.key[set] < 0) {
      this.key[set] = j;
      this.status[j] = KEY;
      this.x[j] = 1;
    } else {
      this.status[j] = AT_LOWER;
      this.x[j] = Number.isFinite(lower) ? lower : 0;
    }
    this.fresh.push(j);
    this.active.push(j);
    this.age[j] = 0;
    return j;
  }

  /**
   * Makes the basis primal feasible where a logical sits outside its row bounds by swapping in a unit column of that
   * row (a shortfall column): the working basis stays diagonal. Throws if some row has none.
   */
  crash(): void {
    this.refactor();
    const { m, cols } = this;
    for (let p = 0; p < m; p++) {
      const w = this.wCol[p];
      const r = this.logicalRow[w];
      if (r < 0) continue;
      const v = this.x[w];
      const lo = cols.lower[w];
      const hi = cols.upper[w];
      if (v >= lo - FEAS_TOL && v <= hi + FEAS_TOL) continue;
      let unit = -1;
      for (let j = 0; j < cols.count && unit < 0; j++) {
        if (
          cols.set[j] >= 0 ||
          this.logicalRow[j] >= 0 ||
          this.status[j] !== AT_LOWER ||
          cols.start[j + 1] - cols.start[j] !== 1
        )
          continue;
        const k = cols.start[j];
        if (cols.index[k] === r && (v < lo ? cols.value[k] > 0 : cols.value[k] < 0) && cols.upper[j] === Infinity)
          unit = j;
      }
      if (unit < 0)
        throw new DecompositionNumericalError('infeasible-master', `master row ${r} cannot be made feasible`);
      this.status[w] = v < lo ? AT_LOWER : AT_UPPER;
      this.x[w] = v < lo ? lo : hi;
      this.status[unit] = p;
      this.wCol[p] = unit;
    }
    this.refactor();
  }

  /** Transformed column of j into out (dense over rows): a_j, minus its set's key column. */
  private transformed(j: number, out: Float64Array): void {
    out.fill(0);
    this.cols.scatter(j, 1, out);
    const s = this.cols.set[j];
    if (s >= 0) this.cols.scatter(this.key[s], -1, out);
  }

  private transformedCost(j: number): number {
    const s = this.cols.set[j];
    return this.cols.cost[j] - (s >= 0 ? this.cols.cost[this.key[s]] : 0);
  }

  /**
   * Rebuilds W⁻¹ by Gauss-Jordan and recomputes values and duals from scratch. Unit columns (logicals, shortfall,
   * most merged columns) are eliminated first: they cause no fill, and the inverse keeps the zeros the updates skip.
   */
  refactor(): void {
    this.sparse = this.m >= this.sparseFrom;
    if (this.sparse) return this.factorize();
    const { m, inv, wCol, order, tmp } = this;
    const w = this.work;
    let units = 0;
    let rest = m;
    for (let p = 0; p < m; p++) {
      const j = wCol[p];
      const single = this.cols.set[j] < 0 && this.cols.start[j + 1] - this.cols.start[j] === 1;
      if (single) order[units++] = p;
      else order[--rest] = p;
    }
    for (let c = 0; c < m; c++) {
      const p = order[c];
      this.transformed(wCol[p], tmp);
      for (let r = 0; r < m; r++) w[r * m + c] = tmp[r];
      this.cW[p] = this.transformedCost(wCol[p]);
    }
    // (W·P)⁻¹ = P⁻¹·W⁻¹: row c of the permuted inverse is row order[c] of W⁻¹
    invert(w, m, this.invTmp, m, this.nz);
    for (let c = 0; c < m; c++) inv.set(this.invTmp.subarray(c * m, c * m + m), order[c] * m);
    this.updates = 0;
    this.recomputeValues();
    this.recomputeDuals();
  }

  /** Factorizes W afresh as a sparse LU and recomputes values and duals from scratch. */
  private factorize(): void {
    const { m, wCol } = this;
    const { start, index, value, set } = this.cols;
    // W's column p: a_j less its set's key column
    this.lu.factor(m, (p, emit) => {
      const j = wCol[p];
      for (let k = start[j]; k < start[j + 1]; k++) emit(index[k], value[k]);
      const key = set[j] >= 0 ? this.key[set[j]] : -1;
      if (key >= 0) for (let k = start[key]; k < start[key + 1]; k++) emit(index[k], -value[k]);
    });
    for (let p = 0; p < m; p++) this.cW[p] = this.transformedCost(wCol[p]);
    this.updates = 0;
    this.recomputeValues();
    this.recomputeDuals();
  }

  private recomputeValues(): void {
    const { m, cols, x } = this;
    const beta = this.tmp;
    beta.fill(0);
    for (let i = 0; i < this.numSets; i++) cols.scatter(this.key[i], -1, beta);
    for (let j = 0; j < cols.count; j++) {
      const st = this.status[j];
      if ((st === AT_LOWER || st === AT_UPPER) && x[j] !== 0) cols.scatter(j, -x[j], beta);
    }
    const v = this.alpha;
    this.timesInverse(beta, v);
    for (let p = 0; p < m; p++) x[this.wCol[p]] = v[p];
    for (let i = 0; i < this.numSets; i++) x[this.key[i]] = 1;
    for (let p = 0; p < m; p++) {
      const j = this.wCol[p];
      const s = cols.set[j];
      if (s >= 0) x[this.key[s]] -= x[j];
    }
  }

  /** π = c_Wᵀ·W⁻¹. */
  private recomputeDuals(): void {
    const { m, inv, cW, pi } = this;
    if (this.sparse) {
      this.lu.btran(cW, pi);
      this.stamp++;
      return;
    }
    pi.fill(0);
    for (let p = 0; p < m; p++) {
      const c = cW[p];
      if (c === 0) continue;
      for (let k = 0; k < m; k++) pi[k] += c * inv[p * m + k];
    }
    this.stamp++;
  }

  /** Dual of convexity set i: the key's cost less its priced coupling entries. */
  setDual(i: number): number {
    if (this.uStamp[i] !== this.stamp) {
      const k = this.key[i];
      this.uValue[i] = this.cols.cost[k] - this.cols.dot(k, this.pi);
      this.uStamp[i] = this.stamp;
    }
    return this.uValue[i];
  }

  reducedCost(j: number): number {
    const s = this.cols.set[j];
    return this.cols.cost[j] - this.cols.dot(j, this.pi) - (s >= 0 ? this.setDual(s) : 0);
  }

  /** Signed attractiveness of a nonbasic column: > 0 when moving it off its bound lowers the objective. */
  private gain(j: number): number {
    const st = this.status[j];
    if (st >= 0 || st === KEY) return 0;
    const d = this.reducedCost(j);
    const tol = 1e-9 * (1 + Math.abs(this.cols.cost[j]));
    const scale = this.cols.scale(j);
    if (st === AT_LOWER) return d < -tol && this.cols.upper[j] > this.cols.lower[j] ? -d * scale : 0;
    return d > tol ? d * scale : 0;
  }

  /** Picks the entering column from the candidate list, refilling it by a partial pass when it runs dry. */
  private choose(): number {
    if (this.fresh.length) this.takeFresh();
    for (let pass = 0; pass < 2; pass++) {
      let best = -1;
      let bestGain = 0;
      const cand = this.cand;
      let kept = 0;
      for (let k = 0; k < cand.length; k++) {
        const j = cand[k];
        const g = this.gain(j);
        if (g <= 0) continue;
        cand[kept++] = j;
        if (g > bestGain) ((bestGain = g), (best = j));
      }
      cand.length = kept;
      if (best >= 0) return best;
      if (pass === 0) this.refill();
    }
    return -1;
  }

  /** New columns join the candidates; the list keeps its best CANDIDATES. */
  private takeFresh(): void {
    for (const j of this.fresh) this.cand.push(j);
    this.fresh.length = 0;
    if (this.cand.length <= CANDIDATES) return;
    const gains = this.cand.map((j) => this.gain(j));
    const order = this.cand.map((_, k) => k).sort((a, b) => gains[b] - gains[a]);
    this.cand = order
      .slice(0, CANDIDATES)
      .filter((k) => gains[k] > 0)
      .map((k) => this.cand[k]);
  }

  /**
   * Partial pricing: scans the active columns from where the last scan stopped until SECTION attractive ones are
   * found or every column has been seen; an empty result after a full cycle proves optimality.
   */
  private refill(): void {
    const active = this.active;
    const total = active.length;
    const cand: number[] = [];
    let k = this.scanAt;
    for (let seen = 0; seen < total && cand.length < SECTION; seen++) {
      if (k >= total) k = 0;
      const j = active[k++];
      if (this.gain(j) > 0) cand.push(j);
    }
    this.scanAt = k;
    this.cand = cand;
  }

  /**
   * Removes set columns that have stayed out of the basis for `maxAge` calls, so pricing passes stay short. The
   * column generation regenerates any of them that become attractive again.
   */
  retireIdle(maxAge: number): void {
    const { active, status, age, cols } = this;
    let kept = 0;
    for (let k = 0; k < active.length; k++) {
      const j = active[k];
      const st = status[j];
      if (st >= 0 || st === KEY) age[j] = 0;
      else if (cols.set[j] >= 0 && ++age[j] > maxAge) continue;
      active[kept++] = j;
    }
    active.length = kept;
    this.cand = this.cand.filter((j) => age[j] <= maxAge || cols.set[j] < 0);
    if (this.scanAt > kept) this.scanAt = 0;
  }

  /** Runs primal simplex iterations to optimality (or the iteration limit). */
  /** Iterates to optimality; `stop` (asked every 64 iterations) ends it early with the basis still primal feasible. */
  solve(maxIterations = 1_000_000, stop?: () => boolean): GubSolveResult {
    const start = this.iterations;
    while (this.iterations - start < maxIterations) {
      if (stop && (this.iterations & 63) === 0 && stop()) break;
      const q = this.choose();
      if (q < 0) return { optimal: true, iterations: this.iterations - start };
      this.iterate(q);
      this.iterations++;
    }
    return { optimal: false, iterations: this.iterations - start };
  }

  private iterate(q: number): void {
    const { m, cols, x, inv, alpha, wCol, key, setRate } = this;
    // the column arrays as locals: they only change when columns are added, never within an iteration
    const { lower, upper, set } = cols;
    const sigma = this.status[q] === AT_LOWER ? 1 : -1;
    const aq = this.tmp;
    this.transformed(q, aq);
    // α = W⁻¹·â_q (shortfall and merged columns have one or two nonzeros)
    this.timesInverse(aq, alpha);
    // α's nonzero positions: the loops below skip the rest (α is about 45 % full at m ≈ 600 with feeder rows)
    const nz = this.alphaNz;
    let nnz = 0;
    for (let p = 0; p < m; p++) if (alpha[p] !== 0) nz[nnz++] = p;
    // rates of change per unit step of the entering column: W members move by −σα, keys by the set sums
    const qs = set[q];
    const touched = this.setTouched;
    const setMark = this.setMark;
    const mark = this.iterations + 1;
    touched.length = 0;
    for (let k = 0; k < nnz; k++) {
      const p = nz[k];
      const s = set[wCol[p]];
      if (s < 0) continue;
      if (setMark[s] !== mark) ((setMark[s] = mark), touched.push(s));
      setRate[s] += sigma * alpha[p];
    }
    if (qs >= 0) {
      if (setMark[qs] !== mark) ((setMark[qs] = mark), touched.push(qs));
      setRate[qs] -= sigma;
    }
    // Harris ratio test: the largest step within tolerance-relaxed bounds, then the largest pivot below it
    let thetaMax = Infinity;
    const range = upper[q] - lower[q];
    for (let k = 0; k < nnz; k++) {
      const p = nz[k];
      const rate = -sigma * alpha[p];
      if (Math.abs(rate) < PIVOT_TOL) continue;
      const j = wCol[p];
      const lim = rate < 0 ? (x[j] - lower[j] + FEAS_TOL) / -rate : (upper[j] - x[j] + FEAS_TOL) / rate;
      if (lim < thetaMax) thetaMax = lim;
    }
    for (const s of touched) {
      const rate = setRate[s];
      if (rate < -PIVOT_TOL) thetaMax = Math.min(thetaMax, (x[key[s]] + FEAS_TOL) / -rate);
    }
    let leave = -2; // -2: bound flip, ≥ 0: W position, < -2: key of set −leave − 3
    let theta = range;
    let bestPivot = 0;
    // an unbounded column that no row limits has no bound to flip to: the ray below reports it
    if (!(range < Infinity && range <= thetaMax)) {
      theta = Infinity;
      for (let k = 0; k < nnz; k++) {
        const p = nz[k];
        const rate = -sigma * alpha[p];
        if (Math.abs(rate) < PIVOT_TOL) continue;
        const j = wCol[p];
        const lim = rate < 0 ? (x[j] - lower[j]) / -rate : (upper[j] - x[j]) / rate;
        if (lim <= thetaMax && Math.abs(rate) > bestPivot) ((bestPivot = Math.abs(rate)), (leave = p), (theta = lim));
      }
      for (const s of touched) {
        const rate = setRate[s];
        if (rate >= -PIVOT_TOL) continue;
        const lim = x[key[s]] / -rate;
        if (lim <= thetaMax && -rate > bestPivot) ((bestPivot = -rate), (leave = -s - 3), (theta = lim));
      }
      if (leave === -2) throw new DecompositionNumericalError('unbounded', 'master LP is unbounded');
      theta = Math.max(0, theta);
    }
    // move
    x[q] += sigma * theta;
    for (let k = 0; k < nnz; k++) {
      const p = nz[k];
      x[wCol[p]] -= sigma * theta * alpha[p];
    }
    for (const s of touched) x[key[s]] += theta * setRate[s];
    for (const s of touched) setRate[s] = 0;

    if (leave === -2) {
      this.status[q] = sigma > 0 ? AT_UPPER : AT_LOWER;
      x[q] = sigma > 0 ? upper[q] : lower[q];
      return;
    }
    const dq = this.reducedCost(q);
    let changed: number[] | undefined;
    if (leave >= 0) {
      const j = wCol[leave];
      const toUpper = -sigma * alpha[leave] > 0;
      this.status[j] = toUpper ? AT_UPPER : AT_LOWER;
      x[j] = toUpper ? upper[j] : lower[j];
      this.replace(leave, q);
    } else changed = this.changeKey(-leave - 3, q);
    ++this.updates;
    if (this.sparse) {
      const lu = this.lu;
      if (this.updates >= LU_REFACTOR_EVERY || lu.updateEntries > lu.factorEntries + 8 * m) this.refactor();
      else this.recomputeDuals();
    } else if (this.updates >= Math.max(REFACTOR_EVERY, m)) this.refactor();
    else if (leave >= 0) {
      // q's reduced cost becomes 0: π moves along row `leave` of the new W⁻¹
      const row = leave * m;
      for (let k = 0; k < m; k++) this.pi[k] += dq * inv[row + k];
      this.stamp++;
    } else this.repairDuals(changed!);
  }

  /** out = W⁻¹·v, over v's nonzeros only. */
  private timesInverse(v: Float64Array, out: Float64Array): void {
    if (this.sparse) return this.lu.ftran(v, out);
    const { m, inv, nz } = this;
    let k = 0;
    for (let r = 0; r < m; r++) if (v[r] !== 0) nz[k++] = r;
    for (let p = 0; p < m; p++) {
      let sum = 0;
      const row = p * m;
      for (let j = 0; j < k; j++) sum += inv[row + nz[j]] * v[nz[j]];
      out[p] = sum;
    }
  }

  /** Column replacement at W position p by q (alpha = W⁻¹ × q's transformed column). */
  private replace(p: number, q: number): void {
    if (this.sparse) this.lu.exchange(p, this.alpha);
    else exchangeColumn(this.inv, this.m, this.m, this.alpha, p, this.nz);
    this.wCol[p] = q;
    this.status[q] = p;
    this.cW[p] = this.transformedCost(q);
  }

  /** The key of set s leaves the basis as q enters. */
  private changeKey(s: number, q: number): number[] {
    const { m, cols, alpha, x } = this;
    const old = this.key[s];
    const members: number[] = [];
    for (let p = 0; p < m; p++) if (cols.set[this.wCol[p]] === s) members.push(p);
    if (cols.set[q] === s) {
      // q becomes the key: every member's transformed column loses q's (relative to the old key)
      const cq = this.transformedCost(q);
      this.rankOneSetUpdate(members, alpha, -1);
      this.key[s] = q;
      this.status[q] = KEY;
      for (const p of members) this.cW[p] -= cq;
    } else {
      // the member with the largest pivot becomes the key; q takes its place in W
      let star = -1;
      for (const p of members) if (star < 0 || Math.abs(alpha[p]) > Math.abs(alpha[star])) star = p;
      if (star < 0 || Math.abs(alpha[star]) < 1e-12)
        throw new DecompositionNumericalError('singular-basis', 'master key change without a pivot');
      const js = this.wCol[star];
      const oldCol = this.zrow2;
      this.transformed(js, oldCol);
      const cs = this.cW[star];
      this.replace(star, q);
      const rest = members.filter((p) => p !== star);
      // the other members are re-expressed against the new key: W'' = W' − oldCol·1ᵀ over their positions
      const y = this.alpha;
      this.timesInverse(oldCol, y);
      this.rankOneSetUpdate(rest, y, -1);
      this.key[s] = js;
      this.status[js] = KEY;
      for (const p of rest) this.cW[p] -= cs;
    }
    this.status[old] = AT_LOWER;
    x[old] = 0;
    return members;
  }

  /**
   * Duals after a key change, from the old ones: only the W positions in `changed` have new columns or costs, so
   * their residuals r_p = c_p − π·w_p give π' = π + Σ r_p × (row p of W⁻¹).
   */
  private repairDuals(changed: readonly number[]): void {
    const { m, inv, pi, cols, wCol } = this;
    const r = this.zrow;
    for (let k = 0; k < changed.length; k++) {
      const p = changed[k];
      const j = wCol[p];
      const s = cols.set[j];
      r[k] = this.cW[p] - cols.dot(j, pi) + (s >= 0 ? cols.dot(this.key[s], pi) : 0);
    }
    for (let k = 0; k < changed.length; k++) {
      const f = r[k];
      if (f === 0) continue;
      const row = changed[k] * m;
      for (let i = 0; i < m; i++) pi[i] += f * inv[row + i];
    }
    this.stamp++;
  }

  /**
   * W ← W + sign·u·1ᵀ over positions `members`, given y = W⁻¹u: Sherman–Morrison,
   * W⁻¹ ← W⁻¹ − sign·y·zᵀ / (1 + sign·Σ_members y_p), z = Σ_members (row p of W⁻¹).
   */
  private rankOneSetUpdate(members: number[], y: Float64Array, sign: number): void {
    if (members.length === 0) return;
    if (this.sparse) return this.lu.rankOne(members, y, sign);
    const { m, inv } = this;
    const z = this.zrow;
    z.fill(0);
    let vy = 0;
    for (const p of members) {
      vy += y[p];
      const row = p * m;
      for (let k = 0; k < m; k++) z[k] += inv[row + k];
    }
    const denom = 1 + sign * vy;
    if (Math.abs(denom) < 1e-12)
      throw new DecompositionNumericalError('singular-basis', 'master key change is singular');
    const f = sign / denom;
    const nz = this.nz;
    let nnz = 0;
    for (let k = 0; k < m; k++) if (z[k] !== 0) nz[nnz++] = k;
    for (let p = 0; p < m; p++) {
      const g = y[p] * f;
      if (g === 0) continue;
      const row = p * m;
      for (let k = 0; k < nnz; k++) inv[row + nz[k]] -= g * z[nz[k]];
    }
  }

  /** Changes a column's cost; call refactor() before the next solve so duals follow. */
  setCost(j: number, cost: number): void {
    this.cols.cost[j] = cost;
  }

  /** Whether column j is in the basis (a W member or its set's key). */
  isBasic(j: number): boolean {
    return this.status[j] >= 0 || this.status[j] === KEY;
  }

  objective(): number {
    let s = 0;
    for (let j = 0; j < this.cols.count; j++) if (this.x[j] !== 0) s += this.cols.cost[j] * this.x[j];
    return s;
  }
}
