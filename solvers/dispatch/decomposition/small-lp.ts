// A dense simplex for the tiny mixing LPs of one block: a few dozen plans and rows, solved thousands of times.
import { xorshift32 } from '../../../src/random.js';
import { resized } from '../../../src/typed-arrays.js';
import { exchangeColumn, invert } from './dense.js';
import { DecompositionNumericalError } from './numerical-error.js';

const FEAS_TOL = 1e-9;
const PIVOT_TOL = 1e-9;
/** Bounds of the basic variables are widened by this much (× 1-2, random; relative to a row bound) when pivots stall. */
const PERTURBATION = 1e-7;
/** Perturbations one solve may make before it gives up (each is removed again at its optimum). */
const MAX_PERTURBATIONS = 3;
/** Pivots that lower the best objective so far by less than this (relative) make no progress. */
const PROGRESS_TOL = 1e-9;

/**
 * min Σ c_j·μ_j over plans μ ≥ 0 with Σ μ_j = 1 (row 0) and lo_r ≤ Σ_j A_rj·μ_j ≤ hi_r (rows 1…). Each such row has
 * a logical w_r = Σ_j A_rj·μ_j within its bounds. The basis inverse is dense, with room for rows to be added: a new
 * row enters with its logical basic, and dual simplex pivots restore feasibility from the previous optimum, so
 * adding a violated row costs a few pivots instead of a solve from scratch. Plan 0 must satisfy every row.
 */
export class SmallLp {
  /** Rows in use (convexity row included) and the row capacity every column and the inverse are laid out for. */
  private rows = 1;
  private stride: number;
  private cols = 0;
  private cap: number;
  /** Plan columns, dense, column j at j·stride. */
  private a: Float64Array;
  private cost: Float64Array;
  private readonly lo: number[] = [1];
  private readonly hi: number[] = [1];
  /** Basic variable per position: plans 0…cols−1, the logical of row r as −r (r ≥ 1). */
  private basis: Int32Array;
  /** Per plan: basic position or −1 (at 0). Per row: its logical's position, −1 (at lower) or −2 (at upper). */
  private planPos: Int32Array;
  private logicalPos: Int32Array;
  private inv: Float64Array;
  private value: Float64Array;
  pi: Float64Array;
  private col: Float64Array;
  private alpha: Float64Array;
  /** Scratch of the inverse's sparse updates. */
  private nz: Int32Array;
  private updates = 0;
  /**
   * While pivots stall, the bounds of the variables basic at that moment are widened (`perturb`): plan j's lower bound
   * to −planShift[j], row r's to lo − shiftLo[r] and hi + shiftHi[r]; all zero otherwise.
   */
  private perturbed = false;
  private planShift: Float64Array;
  private shiftLo: Float64Array;
  private shiftHi: Float64Array;
  /** The perturbations' random numbers: the same on every run. */
  private readonly random = xorshift32(1);

  constructor(
    private readonly maxRows: number,
    capacity = 32,
  ) {
    // room for a few rows at first: most blocks need a handful, and the layout doubles when more come
    const stride = (this.stride = Math.min(maxRows + 1, 16));
    this.cap = capacity;
    this.a = new Float64Array(capacity * stride);
    this.cost = new Float64Array(capacity);
    this.planPos = new Int32Array(capacity).fill(-1);
    this.basis = new Int32Array(stride);
    this.logicalPos = new Int32Array(stride);
    this.inv = new Float64Array(stride * stride);
    this.value = new Float64Array(stride);
    this.pi = new Float64Array(stride);
    this.col = new Float64Array(stride);
    this.alpha = new Float64Array(stride);
    this.nz = new Int32Array(2 * stride);
    this.planShift = new Float64Array(capacity);
    this.shiftLo = new Float64Array(stride);
    this.shiftHi = new Float64Array(stride);
  }

  get numPlans(): number {
    return this.cols;
  }

  /** Dual of row r ≥ 1 (d objective / d bound). */
  dual(r: number): number {
    return this.pi[r];
  }

  get convexityDual(): number {
    return this.pi[0];
  }

  /** Appends a plan at 0 with its activities in rows 1…; the first plan starts as the only basic plan. */
  addPlan(cost: number, activity: (row: number) => number): number {
    const { stride } = this;
    if (this.cols >= this.cap) {
      const old = this.cap;
      this.cap *= 2;
      this.a = resized(this.a, this.cap * stride);
      this.cost = resized(this.cost, this.cap);
      this.planShift = resized(this.planShift, this.cap);
      // -1: the new plans are not basic
      this.planPos = resized(this.planPos, this.cap).fill(-1, old);
    }
    const j = this.cols++;
    const o = j * stride;
    this.a[o] = 1;
    for (let r = 1; r < this.rows; r++) this.a[o + r] = activity(r);
    this.cost[j] = cost;
    if (j === 0) {
      this.basis[0] = 0;
      this.planPos[0] = 0;
      for (let r = 1; r < this.rows; r++) ((this.basis[r] = -r), (this.logicalPos[r] = r));
      this.refactor();
    }
    return j;
  }

  setCost(j: number, cost: number): void {
    this.cost[j] = cost;
  }

  /** After setCost: the basis (and its inverse and values) stay; only the duals follow the new costs. */
  repriced(): void {
    this.duals();
  }

  /**
   * Adds row lo ≤ Σ A_rj μ_j ≤ hi with its logical basic (activity per plan from `activity`), then restores
   * feasibility by dual simplex. Returns false if that did not finish (the caller then rebuilds).
   */
  addRow(lo: number, hi: number, activity: (plan: number) => number): boolean {
    if (this.rows >= this.stride) this.grow();
    const { stride, inv } = this;
    const r = this.rows++;
    if (r > this.maxRows) throw new Error('block mixing LP is out of row capacity');
    this.lo.push(lo);
    this.hi.push(hi);
    if (this.cols === 0) return true;
    for (let j = 0; j < this.cols; j++) this.a[j * stride + r] = activity(j);
    // B' = [[B, 0], [ρᵀ, −1]] with ρ the new row's entries of the basic columns: B'⁻¹ = [[B⁻¹, 0], [ρᵀB⁻¹, −1]]
    for (let q = 0; q < r; q++) {
      let v = 0;
      for (let p = 0; p < r; p++) {
        const bv = this.basis[p];
        const rho = bv >= 0 ? this.a[bv * stride + r] : 0;
        if (rho !== 0) v += rho * inv[p * stride + q];
      }
      inv[r * stride + q] = v;
      inv[q * stride + r] = 0;
    }
    inv[r * stride + r] = -1;
    this.basis[r] = -r;
    this.logicalPos[r] = r;
    let act = 0;
    for (let p = 0; p < r; p++) {
      const bv = this.basis[p];
      if (bv >= 0) act += this.a[bv * stride + r] * this.value[p];
    }
    this.value[r] = act;
    this.pi[r] = 0;
    return this.dualSimplex(200);
  }

  /** Doubles the row capacity, laying columns and the inverse out again. */
  private grow(): void {
    const old = this.stride;
    const stride = (this.stride = Math.min(this.maxRows + 1, old * 2));
    const a = new Float64Array(this.cap * stride);
    for (let j = 0; j < this.cols; j++) for (let r = 0; r < this.rows; r++) a[j * stride + r] = this.a[j * old + r];
    this.a = a;
    const inv = new Float64Array(stride * stride);
    for (let p = 0; p < this.rows; p++) for (let q = 0; q < this.rows; q++) inv[p * stride + q] = this.inv[p * old + q];
    this.inv = inv;
    this.basis = resized(this.basis, stride);
    this.logicalPos = resized(this.logicalPos, stride);
    this.value = resized(this.value, stride);
    this.pi = resized(this.pi, stride);
    this.col = resized(this.col, stride);
    this.alpha = resized(this.alpha, stride);
    this.nz = new Int32Array(2 * stride);
    this.shiftLo = resized(this.shiftLo, stride);
    this.shiftHi = resized(this.shiftHi, stride);
  }

  /** Column of variable v (plan ≥ 0, logical −r) into out. */
  private column(v: number, out: Float64Array): void {
    const { stride, rows } = this;
    if (v >= 0) for (let r = 0; r < rows; r++) out[r] = this.a[v * stride + r];
    else {
      out.fill(0, 0, rows);
      out[-v] = -1;
    }
  }

  private costOf(v: number): number {
    return v >= 0 ? this.cost[v] : 0;
  }

  private lower(v: number): number {
    if (v >= 0) return this.perturbed ? -this.planShift[v] : 0;
    return this.perturbed ? this.lo[-v] - this.shiftLo[-v] : this.lo[-v];
  }

  private upper(v: number): number {
    if (v >= 0) return Infinity;
    return this.perturbed ? this.hi[-v] + this.shiftHi[-v] : this.hi[-v];
  }

  /** The bound a nonbasic logical sits at. */
  private atBound(r: number): number {
    return this.logicalPos[r] === -2 ? this.upper(-r) : this.lower(-r);
  }

  /** Where nonbasic variable v sits: a plan at its lower bound, a logical at its bound. */
  private nonbasicValue(v: number): number {
    return v >= 0 ? this.lower(v) : this.atBound(-v);
  }

  /** Rebuilds the inverse by Gauss-Jordan and recomputes values and duals. */
  refactor(): void {
    const { stride, inv, rows } = this;
    const w = new Float64Array(rows * rows);
    for (let p = 0; p < rows; p++) {
      this.column(this.basis[p], this.col);
      for (let r = 0; r < rows; r++) w[r * rows + p] = this.col[r];
    }
    invert(w, rows, inv, stride, this.nz);
    this.updates = 0;
    // B·x_B = rhs: 1 in the convexity row, and the bound of each nonbasic logical moved to its row
    const rhs = this.col;
    rhs.fill(0, 0, rows);
    rhs[0] = 1;
    for (let r = 1; r < rows; r++) if (this.logicalPos[r] < 0) rhs[r] += this.atBound(r);
    // a plan that left the basis while bounds were widened sits at its widened lower bound
    if (this.perturbed)
      for (let j = 0; j < this.cols; j++) {
        const v = this.planPos[j] < 0 ? this.lower(j) : 0;
        if (v !== 0) for (let r = 0; r < rows; r++) rhs[r] -= this.a[j * stride + r] * v;
      }
    for (let p = 0; p < rows; p++) {
      let v = 0;
      for (let r = 0; r < rows; r++) v += inv[p * stride + r] * rhs[r];
      this.value[p] = v;
    }
    this.duals();
  }

  private duals(): void {
    const { stride, inv, pi, rows } = this;
    pi.fill(0, 0, rows);
    for (let p = 0; p < rows; p++) {
      const c = this.costOf(this.basis[p]);
      if (c === 0) continue;
      for (let r = 0; r < rows; r++) pi[r] += c * inv[p * stride + r];
    }
  }

  private reduced(v: number): number {
    if (v < 0) return this.pi[-v];
    const { stride, rows } = this;
    let d = this.cost[v];
    const o = v * stride;
    for (let r = 0; r < rows; r++) d -= this.pi[r] * this.a[o + r];
    return d;
  }

  /** Whether nonbasic v may move in direction dir (+1 up, −1 down) from where it sits. */
  private free(v: number, dir: number): boolean {
    if (v >= 0) return dir > 0;
    const st = this.logicalPos[-v];
    if (this.hi[-v] <= this.lo[-v]) return false;
    return dir > 0 ? st === -1 : st === -2;
  }

  /**
   * Primal simplex to optimality; false at the iteration limit. Dantzig pricing with a Harris ratio test (these LPs
   * are degenerate: many rows sit at a ramp limit at once). After a run of pivots without a step, or without progress
   * of the objective, the basic variables' bounds are widened a little (`perturb`) until the optimum, then restored;
   * Bland's rule after a run of degenerate pivots that this did not end. Under random prices (an HVAC load with a
   * ramp and a run limit) Bland's rule alone circled numerically until the iteration limit.
   */
  solve(maxIterations = 10_000): boolean {
    let stalled = 0;
    let perturbations = 0;
    let bestObjective = Infinity;
    let flat = 0;
    for (let it = 0; it < maxIterations; it++) {
      if (
        (stalled > 2 * this.rows + 4 || flat > 4 * this.rows + 8) &&
        !this.perturbed &&
        perturbations < MAX_PERTURBATIONS
      ) {
        this.perturb();
        perturbations++;
        stalled = 0;
        flat = 0;
      }
      const bland = stalled > 2 * this.rows + 4;
      let enter = 0;
      let best = 0;
      let dir = 1;
      for (let j = 0; j < this.cols && !(bland && best > 0); j++) {
        if (this.planPos[j] >= 0) continue;
        const d = this.reduced(j);
        if (-d > best && -d > 1e-11 * (1 + Math.abs(this.cost[j]))) ((best = -d), (enter = j), (dir = 1));
      }
      for (let r = 1; r < this.rows && !(bland && best > 0); r++) {
        if (this.logicalPos[r] >= 0) continue;
        const d = this.pi[r];
        if (-d > best && -d > 1e-11 && this.free(-r, 1)) ((best = -d), (enter = -r), (dir = 1));
        else if (d > best && d > 1e-11 && this.free(-r, -1)) ((best = d), (enter = -r), (dir = -1));
      }
      if (best === 0) {
        if (!this.perturbed) return true;
        // optimal with widened bounds: back to the true ones, and dual simplex to the bounds the values now break
        if (!this.unperturb()) return false;
        stalled = 0;
        flat = 0;
        bestObjective = Infinity;
        continue;
      }
      // steps within the Harris tolerance make no progress
      stalled = this.primalPivot(enter, dir, bland) > FEAS_TOL ? 0 : stalled + 1;
      // nor do steps that only move the objective back and forth by round-off (Harris's ratio test can circle through
      // steps just above the tolerance)
      const objective = this.basicObjective();
      if (objective < bestObjective - PROGRESS_TOL * (1 + Math.abs(objective)))
        ((bestObjective = objective), (flat = 0));
      else flat++;
    }
    if (this.perturbed) this.unperturb();
    return false;
  }

  /**
   * Widens the bounds of the basic variables by a small random amount each, so that none sits at a bound any more:
   * the degenerate pivots that stalled (ratios tied up to round-off, where even Bland's rule circles numerically)
   * become steps. Values do not change; a variable leaving the basis later sits at its widened bound.
   */
  private perturb(): void {
    const { rows, random } = this;
    this.planShift.fill(0, 0, this.cols);
    this.shiftLo.fill(0, 0, rows);
    this.shiftHi.fill(0, 0, rows);
    for (let p = 0; p < rows; p++) {
      const v = this.basis[p];
      if (v >= 0) this.planShift[v] = PERTURBATION * (1 + random());
      else if (this.hi[-v] > this.lo[-v]) {
        const r = -v;
        if (Number.isFinite(this.lo[r])) this.shiftLo[r] = PERTURBATION * (1 + random()) * (1 + Math.abs(this.lo[r]));
        if (Number.isFinite(this.hi[r])) this.shiftHi[r] = PERTURBATION * (1 + random()) * (1 + Math.abs(this.hi[r]));
      }
    }
    this.perturbed = true;
  }

  /**
   * Restores the true bounds: values follow from the nonbasic variables at their true bounds, and dual simplex (the
   * basis stays dual feasible) takes out what they break. False if that does not finish.
   */
  private unperturb(): boolean {
    this.perturbed = false;
    this.refactor();
    return this.dualSimplex(10 * this.rows + 50);
  }

  private ftran(v: number): void {
    const { stride, inv, alpha, rows } = this;
    this.column(v, this.col);
    for (let p = 0; p < rows; p++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += inv[p * stride + r] * this.col[r];
      alpha[p] = s;
    }
  }

  /** Step limit for basic position p when the entering variable moves by dir (relaxed by `relax`). */
  private limit(p: number, dir: number, relax: number): number {
    const rate = -dir * this.alpha[p];
    if (Math.abs(rate) < PIVOT_TOL) return Infinity;
    const v = this.basis[p];
    return rate < 0 ? (this.value[p] - this.lower(v) + relax) / -rate : (this.upper(v) - this.value[p] + relax) / rate;
  }

  /** Σ cost × value over the basic plans (the objective, but for nonbasic plans off zero while perturbed). */
  private basicObjective(): number {
    let s = 0;
    for (let p = 0; p < this.rows; p++) if (this.basis[p] >= 0) s += this.cost[this.basis[p]] * this.value[p];
    return s;
  }

  /** One primal pivot; returns its step. Bland's rule breaks ties by the smallest variable. */
  private primalPivot(enter: number, dir: number, bland: boolean): number {
    const { alpha, value, rows } = this;
    this.ftran(enter);
    let thetaMax = Infinity;
    for (let p = 0; p < rows; p++) thetaMax = Math.min(thetaMax, this.limit(p, dir, bland ? 0 : FEAS_TOL));
    const range = this.upper(enter) - this.lower(enter);
    if (range <= thetaMax) {
      for (let p = 0; p < rows; p++) value[p] -= dir * range * alpha[p];
      this.logicalPos[-enter] = dir > 0 ? -2 : -1;
      return range;
    }
    let leave = -1;
    let theta = 0;
    let bestPivot = 0;
    for (let p = 0; p < rows; p++) {
      const l = this.limit(p, dir, 0);
      if (bland) {
        // smallest variable index among the minimum ratios (logicals −r rank after plans by |index| order)
        if (l <= thetaMax && (leave < 0 || this.rank(this.basis[p]) < this.rank(this.basis[leave])))
          ((leave = p), (theta = Math.max(0, l)));
      } else if (l <= thetaMax && Math.abs(alpha[p]) > bestPivot)
        ((bestPivot = Math.abs(alpha[p])), (leave = p), (theta = Math.max(0, l)));
    }
    if (leave < 0) throw new DecompositionNumericalError('unbounded', 'block mixing LP is unbounded');
    for (let p = 0; p < rows; p++) value[p] -= dir * theta * alpha[p];
    const toUpper = -dir * alpha[leave] > 0;
    this.exchange(leave, enter, this.nonbasicValue(enter) + dir * theta, toUpper);
    return theta;
  }

  /** Bland's order of variables: plans by index, then logicals by row. */
  private rank(v: number): number {
    return v >= 0 ? v : this.cap - v;
  }

  /**
   * Dual simplex from a dual feasible basis: a basic variable outside its bounds leaves to the bound it violates, the
   * entering variable keeps every reduced cost's sign. Returns false if it did not finish.
   */
  private dualSimplex(maxIterations: number): boolean {
    const { stride, inv, rows } = this;
    for (let it = 0; it < maxIterations; it++) {
      let leave = -1;
      let worst = FEAS_TOL;
      for (let p = 0; p < rows; p++) {
        const v = this.basis[p];
        const viol = Math.max(this.lower(v) - this.value[p], this.value[p] - this.upper(v));
        if (viol > worst * (1 + Math.abs(this.value[p]))) ((worst = viol), (leave = p));
      }
      if (leave < 0) return true;
      const out = this.basis[leave];
      const below = this.value[leave] < this.lower(out);
      // pivot row: α_j = (row `leave` of B⁻¹)·a_j; the leaving variable must rise (below) or fall
      let enter = 0;
      let dir = 0;
      let bestRatio = Infinity;
      let bestAlpha = 0;
      const consider = (v: number) => {
        let aj: number;
        if (v >= 0) {
          aj = 0;
          for (let r = 0; r < rows; r++) aj += inv[leave * stride + r] * this.a[v * stride + r];
        } else aj = -inv[leave * stride - v];
        if (Math.abs(aj) < PIVOT_TOL) return;
        // the basic value changes by −α_j·Δv: to rise, Δv must have the sign of −α_j
        const d = -(below ? 1 : -1) * Math.sign(aj);
        if (!this.free(v, d)) return;
        const ratio = Math.abs(this.reduced(v)) / Math.abs(aj);
        if (ratio < bestRatio - 1e-12 || (ratio <= bestRatio + 1e-12 && Math.abs(aj) > bestAlpha))
          ((bestRatio = ratio), (bestAlpha = Math.abs(aj)), (enter = v), (dir = d));
      };
      for (let j = 0; j < this.cols; j++) if (this.planPos[j] < 0) consider(j);
      for (let r = 1; r < rows; r++) if (this.logicalPos[r] < 0) consider(-r);
      if (dir === 0) return false;
      this.ftran(enter);
      const target = below ? this.lower(out) : this.upper(out);
      const theta = (this.value[leave] - target) / (dir * this.alpha[leave]);
      for (let p = 0; p < rows; p++) this.value[p] -= dir * theta * this.alpha[p];
      this.exchange(leave, enter, this.nonbasicValue(enter) + dir * theta, !below);
    }
    return false;
  }

  /** Basis exchange at position `leave`, the leaving variable going to its upper (toUpper) or lower bound. */
  private exchange(leave: number, enter: number, enterValue: number, toUpper: boolean): void {
    const { stride, inv, alpha, rows } = this;
    const dq = this.reduced(enter);
    const out = this.basis[leave];
    if (out >= 0) this.planPos[out] = -1;
    else this.logicalPos[-out] = toUpper ? -2 : -1;
    this.value[leave] = enterValue;
    this.basis[leave] = enter;
    if (enter >= 0) this.planPos[enter] = leave;
    else this.logicalPos[-enter] = leave;
    exchangeColumn(inv, stride, rows, alpha, leave, this.nz);
    const row = leave * stride;
    if (++this.updates >= 4 * rows) this.refactor();
    else {
      // the entering reduced cost becomes 0: π moves along row `leave` of the new inverse
      for (let r = 0; r < rows; r++) this.pi[r] += dq * inv[row + r];
    }
  }

  /** Weight of plan j in the current solution. */
  weight(j: number): number {
    const p = this.planPos[j];
    return p >= 0 ? Math.max(0, this.value[p]) : 0;
  }

  objective(): number {
    let s = 0;
    for (let j = 0; j < this.cols; j++) s += this.cost[j] * this.weight(j);
    return s;
  }
}
