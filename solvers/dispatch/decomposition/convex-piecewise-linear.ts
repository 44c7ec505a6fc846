// Convex piecewise-linear functions on an interval, the value functions of the path dynamic programs.

/**
 * f on [x0, x0 + Σ len]: f(x0) = f0, then segments of length len[k] and slope slope[k], slopes non-decreasing.
 * Segments live in `len`/`slope` from `head` to `head + count`; removing from the left is O(1).
 */
export class ConvexPl {
  x0 = 0;
  f0 = 0;
  /** Σ len, kept up to date by every operation (the right end of the domain is x0 + total). */
  total = 0;
  head = 0;
  count = 0;
  len: Float64Array;
  slope: Float64Array;

  constructor(capacity = 64) {
    this.len = new Float64Array(capacity);
    this.slope = new Float64Array(capacity);
  }

  /** The function that is 0 at x and undefined elsewhere. */
  setPoint(x: number): void {
    this.x0 = x;
    this.f0 = 0;
    this.total = 0;
    this.head = 0;
    this.count = 0;
  }

  /** Makes room for `extra` more segments, compacting to head 0. */
  private reserve(extra: number): void {
    const need = this.count + extra + 2;
    if (this.head + need <= this.len.length) return;
    if (need <= this.len.length) {
      this.len.copyWithin(0, this.head, this.head + this.count);
      this.slope.copyWithin(0, this.head, this.head + this.count);
    } else {
      const cap = Math.max(need, this.len.length * 2);
      const len = new Float64Array(cap);
      const slope = new Float64Array(cap);
      len.set(this.len.subarray(this.head, this.head + this.count));
      slope.set(this.slope.subarray(this.head, this.head + this.count));
      this.len = len;
      this.slope = slope;
    }
    this.head = 0;
  }

  /** f(x) + a·x. */
  addLinear(a: number): void {
    if (a === 0) return;
    this.f0 += a * this.x0;
    for (let k = this.head, e = this.head + this.count; k < e; k++) this.slope[k] += a;
  }

  /** Inserts a segment of the given slope in slope order (merging an equal slope); the domain grows by `len`. */
  insert(len: number, slope: number): void {
    this.insertAfter(this.head, len, slope);
  }

  /**
   * Inserts the segments `lens`/`slopes` (the first `n`) one after the other, as insert() does each. A segment whose
   * slope is not below the last one's is looked for from where that one went: the slopes before it are smaller.
   */
  insertAll(lens: Float64Array, slopes: Float64Array, n: number): void {
    let from = this.head;
    let last = -Infinity;
    for (let j = 0; j < n; j++) {
      const slope = slopes[j];
      if (!(slope >= last)) from = this.head;
      const at = this.insertAfter(from, lens[j], slope);
      if (at >= 0) ((from = at), (last = slope));
    }
  }

  /**
   * insert() with the search starting at `from` (every segment before it has a smaller slope); returns where the
   * segment went, or -1 for an empty one. Shifts by hand: a segment list holds about ten entries, and copyWithin's
   * call cost more than the moves (the storage dynamic program inserts about 4M segments in a 1000 × 96 solve).
   */
  private insertAfter(from: number, len: number, slope: number): number {
    if (!(len > 0)) return -1;
    this.total += len;
    let k = from;
    const e = this.head + this.count;
    const slopes = this.slope;
    while (k < e && slopes[k] < slope) k++;
    if (k < e && slopes[k] === slope) {
      this.len[k] += len;
      return k;
    }
    if (this.head + this.count + 3 > this.len.length) {
      const head = this.head;
      this.reserve(1);
      k += this.head - head;
    }
    const L = this.len;
    const S = this.slope;
    for (let i = this.head + this.count; i > k; i--) ((L[i] = L[i - 1]), (S[i] = S[i - 1]));
    L[k] = len;
    S[k] = slope;
    this.count++;
    return k;
  }

  /** y ↦ min over |x − y| ≤ r of f(x): the minimum widens by 2r, the decreasing part moves left by r. */
  windowMin(r: number): void {
    if (!(r > 0)) return;
    this.x0 -= r;
    this.insert(2 * r, 0);
  }

  /** Restricts the domain to [lo, hi]; returns false when the intersection is empty. */
  restrict(lo: number, hi: number): boolean {
    let d = lo - this.x0;
    while (d > 0) {
      if (this.count === 0) return false;
      const l = this.len[this.head];
      const s = this.slope[this.head];
      if (l <= d) {
        this.f0 += l * s;
        this.x0 += l;
        this.total -= l;
        d -= l;
        this.head++;
        this.count--;
      } else {
        this.f0 += d * s;
        this.x0 = lo;
        this.len[this.head] = l - d;
        this.total -= d;
        d = 0;
      }
    }
    let over = this.x0 + this.total - hi;
    while (over > 0) {
      if (this.count === 0) return this.x0 <= hi;
      const last = this.head + this.count - 1;
      if (this.len[last] <= over) {
        over -= this.len[last];
        this.total -= this.len[last];
        this.count--;
      } else {
        this.len[last] -= over;
        this.total -= over;
        over = 0;
      }
    }
    if (this.count === 0) this.total = 0;
    return true;
  }

  /** Smallest minimizer, largest minimizer and the minimum value. */
  minimum(out: { lo: number; hi: number; value: number }): void {
    let x = this.x0;
    let f = this.f0;
    let k = this.head;
    const e = this.head + this.count;
    for (; k < e && this.slope[k] < 0; k++) {
      x += this.len[k];
      f += this.len[k] * this.slope[k];
    }
    out.lo = x;
    out.value = f;
    for (; k < e && this.slope[k] === 0; k++) x += this.len[k];
    out.hi = x;
  }
}

/** Segments of a convex PL function stored back to back for many stages, for backtracking a DP. */
export class PlTape {
  private x0: Float64Array;
  private start: Int32Array;
  private len: Float64Array;
  private slope: Float64Array;
  private used = 0;

  constructor(stages: number) {
    this.x0 = new Float64Array(stages);
    this.start = new Int32Array(stages + 1);
    this.len = new Float64Array(stages * 8);
    this.slope = new Float64Array(stages * 8);
  }

  reset(): void {
    this.used = 0;
  }

  record(stage: number, f: ConvexPl): void {
    if (this.used + f.count > this.len.length) {
      const cap = Math.max(this.used + f.count, this.len.length * 2);
      const len = new Float64Array(cap);
      const slope = new Float64Array(cap);
      len.set(this.len.subarray(0, this.used));
      slope.set(this.slope.subarray(0, this.used));
      this.len = len;
      this.slope = slope;
    }
    this.x0[stage] = f.x0;
    this.start[stage] = this.used;
    // plain loops: subarray views would allocate on every stage of every pricing call
    const { len, slope } = this;
    for (let k = 0, u = this.used, h = f.head; k < f.count; k++, u++, h++) {
      len[u] = f.len[h];
      slope[u] = f.slope[h];
    }
    this.used += f.count;
    this.start[stage + 1] = this.used;
  }

  /**
   * Splits y, a point of (recorded stage) □ g, into x + Δ with f(x) + g(Δ) = (f □ g)(y): walks both slope
   * sequences in merged order, the recorded function's segments first on equal slopes, and returns x.
   */
  split(
    stage: number,
    y: number,
    gx0: number,
    gLen: ArrayLike<number>,
    gSlope: ArrayLike<number>,
    gCount: number,
  ): number {
    let u = y - this.x0[stage] - gx0;
    let x = this.x0[stage];
    let i = this.start[stage];
    const e = this.start[stage + 1];
    let j = 0;
    while (u > 0 && (i < e || j < gCount)) {
      if (i < e && (j >= gCount || this.slope[i] <= gSlope[j])) {
        const take = Math.min(u, this.len[i]);
        x += take;
        u -= take;
        i++;
      } else {
        u -= gLen[j];
        j++;
      }
    }
    return x;
  }
}
