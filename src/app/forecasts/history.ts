// Bounded recent history of one series on its step grid: a revision replaces the value of its step, gaps stay NaN.

export type PutOutcome = 'new' | 'revised' | 'unchanged' | 'too-old';

/** A plain-data copy of a history, for persistence. */
export interface HistorySnapshot {
  startIdx: number;
  values: Float64Array;
}

/**
 * Values by step index (step k covers [k × step + phase, (k + 1) × step + phase)). The newest step always
 * holds a value; older steps without one are NaN. At most `maxSteps` steps are kept, the oldest dropped.
 */
export class SeriesHistory {
  private buf: Float64Array;
  private head = 0;
  private len = 0;
  private start = 0;
  private finite = 0;
  /** Smallest step index changed since the last `markPersisted`, or Infinity. */
  private dirty = Infinity;
  /** First step after the last gap longer than `maxGapSteps`. */
  private runStart = 0;

  /** Gaps longer than `maxGapSteps` break the series: fits use only what follows the last one. */
  constructor(
    readonly maxSteps: number,
    readonly maxGapSteps = Infinity,
  ) {
    this.buf = new Float64Array(Math.min(maxSteps, 64) * 2);
  }

  static restore(maxSteps: number, maxGapSteps: number, snap: HistorySnapshot): SeriesHistory {
    const h = new SeriesHistory(maxSteps, maxGapSteps);
    const v = snap.values;
    let first = 0;
    let last = v.length - 1;
    while (last >= 0 && v[last] !== v[last]) last--;
    if (last < 0) return h;
    first = Math.max(0, last + 1 - maxSteps);
    while (v[first] !== v[first]) first++;
    h.buf = v.slice(first, last + 1);
    h.len = h.buf.length;
    h.start = snap.startIdx + first;
    h.runStart = h.start;
    let gap = 0;
    for (let i = 0; i < h.len; i++) {
      if (h.buf[i] === h.buf[i]) {
        if (gap > maxGapSteps) h.runStart = h.start + i;
        gap = 0;
        h.finite++;
      } else gap++;
    }
    return h;
  }

  get empty(): boolean {
    return this.len === 0;
  }

  get firstIdx(): number {
    return this.start;
  }

  /** Index of the newest step (it always holds a value); -Infinity when empty. */
  get lastIdx(): number {
    return this.len === 0 ? -Infinity : this.start + this.len - 1;
  }

  /** First step of the usable stretch: after the last long gap. */
  get usableFromIdx(): number {
    return this.runStart;
  }

  /** Steps from the usable start to the newest one, gaps included. */
  get usableLength(): number {
    return this.len === 0 ? 0 : this.lastIdx - this.runStart + 1;
  }

  /** Steps holding a value. */
  get observations(): number {
    return this.finite;
  }

  get dirtyFrom(): number {
    return this.dirty;
  }

  markPersisted(): void {
    this.dirty = Infinity;
  }

  at(idx: number): number {
    return idx >= this.start && idx < this.start + this.len ? this.buf[this.head + idx - this.start] : NaN;
  }

  /** Sets step `idx` to a finite `value`; steps older than the bound are refused. */
  put(idx: number, value: number): PutOutcome {
    if (this.len === 0 || idx - this.lastIdx >= this.maxSteps) {
      // Nothing kept is within the bound of the new step: the series starts over.
      this.finite = 0;
      this.start = idx;
      this.runStart = idx;
      this.head = 0;
      this.len = 1;
      this.buf[0] = value;
      this.finite = 1;
      this.dirty = Math.min(this.dirty, idx);
      return 'new';
    }
    const last = this.lastIdx;
    if (idx <= last - this.maxSteps) return 'too-old';
    if (idx < this.start) {
      if (this.runStart === this.start && this.start - idx - 1 <= this.maxGapSteps) this.runStart = idx;
      this.prepend(this.start - idx);
    } else if (idx > last) {
      if (idx - last - 1 > this.maxGapSteps) this.runStart = idx;
      this.extend(idx - last);
    }
    const k = this.head + idx - this.start;
    const old = this.buf[k];
    if (old === value) return 'unchanged';
    this.buf[k] = value;
    this.dirty = Math.min(this.dirty, idx);
    if (old === old) return 'revised';
    this.finite++;
    this.trim();
    return 'new';
  }

  /** Values of steps [from, to] (inclusive), NaN where none. */
  slice(from: number, to: number): Float64Array {
    const out = new Float64Array(Math.max(0, to - from + 1));
    const lo = Math.max(from, this.start);
    const hi = Math.min(to, this.lastIdx);
    // One block copy (slices of every series are taken on the event loop before each refit batch).
    if (lo > hi) return out.fill(NaN);
    out.fill(NaN, 0, lo - from);
    out.set(this.buf.subarray(this.head + lo - this.start, this.head + hi - this.start + 1), lo - from);
    out.fill(NaN, hi - from + 1);
    return out;
  }

  snapshot(): HistorySnapshot {
    return { startIdx: this.start, values: this.slice(this.start, this.lastIdx) };
  }

  private extend(steps: number): void {
    this.ensure(this.len + steps);
    this.buf.fill(NaN, this.head + this.len, this.head + this.len + steps);
    this.len += steps;
  }

  private prepend(steps: number): void {
    const next = new Float64Array(Math.max(this.buf.length, (this.len + steps) * 2)).fill(NaN);
    next.set(this.buf.subarray(this.head, this.head + this.len), steps);
    this.buf = next;
    this.head = 0;
    this.len += steps;
    this.start -= steps;
  }

  /** Room for `n` steps from `head`: compacts to the front, or grows the buffer when that is not enough. */
  private ensure(n: number): void {
    if (this.head + n <= this.buf.length) return;
    if (n <= this.buf.length) this.buf.copyWithin(0, this.head, this.head + this.len);
    else {
      const next = new Float64Array(Math.max(n, this.buf.length * 2));
      next.set(this.buf.subarray(this.head, this.head + this.len));
      this.buf = next;
    }
    this.head = 0;
  }

  private trim(): void {
    const excess = this.len - this.maxSteps;
    if (excess <= 0) return;
    for (let i = 0; i < excess; i++) if (this.buf[this.head + i] === this.buf[this.head + i]) this.finite--;
    this.head += excess;
    this.len -= excess;
    this.start += excess;
    // The oldest kept step may now be a gap; keep the front on a value so firstIdx means the first observation.
    while (this.len > 1 && this.buf[this.head] !== this.buf[this.head]) {
      this.head++;
      this.len--;
      this.start++;
    }
    if (this.runStart < this.start) this.runStart = this.start;
  }
}
