// The solver-neutral LP/MIP model: bounded columns, linear rows in compressed sparse row form, a linear objective.

/** A minimization model `min c·x  s.t. rowLower ≤ A x ≤ rowUpper, colLower ≤ x ≤ colUpper, x_j integer where flagged`. */
export interface LpModel {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 where the column must take an integer value. */
  readonly integer: Uint8Array;
  /** Row `i` owns entries `rowStarts[i] .. rowStarts[i + 1]` of `rowIndex` (column) and `rowValue` (coefficient). */
  readonly rowStarts: Int32Array;
  readonly rowIndex: Int32Array;
  readonly rowValue: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly numIntegers: number;
  readonly numNonzeros: number;
  /**
   * A starting basis hint for simplex backends: column `basicCols[k]` starts basic in place of the slack of row
   * `basicRows[k]`; every other column starts at its lower bound. The pairs must give a nonsingular basis.
   */
  readonly basicCols: Int32Array;
  readonly basicRows: Int32Array;
  /** A known feasible solution, if the model's author has one: a MIP search starts from it instead of from nothing. */
  readonly start?: Float64Array;
}

/** Grows typed arrays while a model is appended to, so building large models allocates O(log n) times, not per entry. */
class Grow<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(public data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Appends columns and rows; `build()` freezes the result into an `LpModel`. */
export class LpBuilder {
  private readonly cost = new Grow(new Float64Array(1024));
  private readonly lower = new Grow(new Float64Array(1024));
  private readonly upper = new Grow(new Float64Array(1024));
  private readonly isInt = new Grow(new Uint8Array(1024));
  private readonly starts = new Grow(new Int32Array(1024));
  private readonly index = new Grow(new Int32Array(4096));
  private readonly value = new Grow(new Float64Array(4096));
  private readonly rLower = new Grow(new Float64Array(1024));
  private readonly rUpper = new Grow(new Float64Array(1024));
  private readonly hintCols = new Grow(new Int32Array(256));
  private readonly hintRows = new Grow(new Int32Array(256));
  private ints = 0;

  constructor() {
    this.starts.push(0);
  }

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rLower.length;
  }

  /** Adds a column and returns its index. */
  addCol(lower: number, upper: number, cost: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.isInt.push(integer ? 1 : 0);
    if (integer) this.ints++;
    return this.cost.length - 1;
  }

  /** Adds `lower ≤ Σ coef[k]·x[cols[k]] ≤ upper` and returns its row index; a column must appear at most once. */
  addRow(cols: ArrayLike<number>, coefs: ArrayLike<number>, lower: number, upper: number): number {
    for (let k = 0; k < cols.length; k++) {
      if (coefs[k] === 0) continue;
      this.index.push(cols[k]);
      this.value.push(coefs[k]);
    }
    this.starts.push(this.index.length);
    this.rLower.push(lower);
    this.rUpper.push(upper);
    return this.rLower.length - 1;
  }

  /** Hints that column `col` should start basic in place of row `row`'s slack (see LpModel.basicCols). */
  startBasic(col: number, row: number): void {
    this.hintCols.push(col);
    this.hintRows.push(row);
  }

  build(start?: Float64Array): LpModel {
    return {
      numCols: this.cost.length,
      numRows: this.rLower.length,
      colCost: this.cost.done(),
      colLower: this.lower.done(),
      colUpper: this.upper.done(),
      integer: this.isInt.done(),
      rowStarts: this.starts.done(),
      rowIndex: this.index.done(),
      rowValue: this.value.done(),
      rowLower: this.rLower.done(),
      rowUpper: this.rUpper.done(),
      numIntegers: this.ints,
      numNonzeros: this.index.length,
      basicCols: this.hintCols.done(),
      basicRows: this.hintRows.done(),
      ...(start ? { start } : {}),
    };
  }
}
