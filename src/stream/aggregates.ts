// Mergeable window accumulators kept column-wise in typed arrays: one slot per (key, window).
import { resized } from '../typed-arrays.js';
import {
  createSketch,
  readSketch,
  sketchAdd,
  sketchMerge,
  sketchQuantile,
  writeSketch,
  type DDSketchData,
} from './sketch.js';
import type { StateReader, StateWriter } from './state-codec.js';

export const AGGREGATES = ['count', 'sum', 'min', 'max', 'mean', 'variance', 'last', 'p50', 'p95', 'p99'] as const;
export type AggregateName = (typeof AGGREGATES)[number];

const QUANTILE_OF: Partial<Record<AggregateName, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/**
 * Column store of accumulators. Only the columns the requested aggregates need are allocated, so a
 * count/sum/mean window costs 16 bytes per slot. Variance uses Welford's running mean and M2, which
 * merge exactly (Chan et al.); `last` keeps the value with the greatest event time (ties: later arrival).
 */
export class AccumulatorStore {
  readonly aggregates: readonly AggregateName[];
  private readonly needSum: boolean;
  private readonly needMinMax: boolean;
  private readonly needWelford: boolean;
  private readonly needLast: boolean;
  private readonly needSketch: boolean;
  private capacity: number;
  private size = 0;
  private freeList: number[] = [];
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  wMean: Float64Array;
  wM2: Float64Array;
  last: Float64Array;
  lastTs: Float64Array;
  sketches: (DDSketchData | undefined)[] = [];

  constructor(aggregates: readonly AggregateName[], capacity = 1024) {
    this.aggregates = aggregates;
    const has = (...names: AggregateName[]) => names.some((n) => aggregates.includes(n));
    this.needSum = has('sum', 'mean');
    this.needMinMax = has('min', 'max');
    this.needWelford = has('variance');
    this.needLast = has('last');
    this.needSketch = has('p50', 'p95', 'p99');
    this.capacity = capacity;
    const empty = new Float64Array(0);
    this.count = new Float64Array(capacity);
    this.sum = this.needSum ? new Float64Array(capacity) : empty;
    this.min = this.needMinMax ? new Float64Array(capacity) : empty;
    this.max = this.needMinMax ? new Float64Array(capacity) : empty;
    this.wMean = this.needWelford ? new Float64Array(capacity) : empty;
    this.wM2 = this.needWelford ? new Float64Array(capacity) : empty;
    this.last = this.needLast ? new Float64Array(capacity) : empty;
    this.lastTs = this.needLast ? new Float64Array(capacity) : empty;
  }

  get liveSlots(): number {
    return this.size - this.freeList.length;
  }

  /** Bytes held by the typed columns (for the memory figures). */
  get bytes(): number {
    const cols = [this.count, this.sum, this.min, this.max, this.wMean, this.wM2, this.last, this.lastTs];
    return cols.reduce((n, c) => n + c.byteLength, 0);
  }

  alloc(): number {
    let slot = this.freeList.pop();
    if (slot === undefined) {
      if (this.size === this.capacity) this.resize(this.capacity * 2);
      slot = this.size++;
    }
    this.count[slot] = 0;
    if (this.needSum) this.sum[slot] = 0;
    if (this.needMinMax) {
      this.min[slot] = Infinity;
      this.max[slot] = -Infinity;
    }
    if (this.needWelford) {
      this.wMean[slot] = 0;
      this.wM2[slot] = 0;
    }
    if (this.needLast) {
      this.last[slot] = NaN;
      this.lastTs[slot] = -Infinity;
    }
    if (this.needSketch) this.sketches[slot] = createSketch();
    return slot;
  }

  free(slot: number): void {
    if (this.needSketch) this.sketches[slot] = undefined;
    this.freeList.push(slot);
  }

  private resize(n: number): void {
    this.capacity = n;
    this.count = resized(this.count, n);
    if (this.needSum) this.sum = resized(this.sum, n);
    if (this.needMinMax) {
      this.min = resized(this.min, n);
      this.max = resized(this.max, n);
    }
    if (this.needWelford) {
      this.wMean = resized(this.wMean, n);
      this.wM2 = resized(this.wM2, n);
    }
    if (this.needLast) {
      this.last = resized(this.last, n);
      this.lastTs = resized(this.lastTs, n);
    }
  }

  add(slot: number, ts: number, value: number): void {
    const n = ++this.count[slot];
    if (this.needSum) this.sum[slot] += value;
    if (this.needMinMax) {
      if (value < this.min[slot]) this.min[slot] = value;
      if (value > this.max[slot]) this.max[slot] = value;
    }
    if (this.needWelford) {
      const delta = value - this.wMean[slot];
      this.wMean[slot] += delta / n;
      this.wM2[slot] += delta * (value - this.wMean[slot]);
    }
    if (this.needLast && ts >= this.lastTs[slot]) {
      this.last[slot] = value;
      this.lastTs[slot] = ts;
    }
    if (this.needSketch) sketchAdd(this.sketches[slot]!, value);
  }

  /** Folds slot `from` into slot `into` (session merges); `from` is left unchanged. */
  merge(into: number, from: number): void {
    const na = this.count[into];
    const nb = this.count[from];
    if (nb === 0) return;
    const n = na + nb;
    this.count[into] = n;
    if (this.needSum) this.sum[into] += this.sum[from];
    if (this.needMinMax) {
      this.min[into] = Math.min(this.min[into], this.min[from]);
      this.max[into] = Math.max(this.max[into], this.max[from]);
    }
    if (this.needWelford) {
      const delta = this.wMean[from] - this.wMean[into];
      this.wMean[into] += (delta * nb) / n;
      this.wM2[into] += this.wM2[from] + (delta * delta * na * nb) / n;
    }
    if (this.needLast && this.lastTs[from] >= this.lastTs[into]) {
      this.last[into] = this.last[from];
      this.lastTs[into] = this.lastTs[from];
    }
    if (this.needSketch) sketchMerge(this.sketches[into]!, this.sketches[from]!);
  }

  /** Writes the columns this store keeps for one slot, bit for bit. */
  writeSlot(slot: number, w: StateWriter): void {
    w.f64(this.count[slot]);
    if (this.needSum) w.f64(this.sum[slot]);
    if (this.needMinMax) {
      w.f64(this.min[slot]);
      w.f64(this.max[slot]);
    }
    if (this.needWelford) {
      w.f64(this.wMean[slot]);
      w.f64(this.wM2[slot]);
    }
    if (this.needLast) {
      w.f64(this.last[slot]);
      w.f64(this.lastTs[slot]);
    }
    if (this.needSketch) writeSketch(this.sketches[slot]!, w);
  }

  /** A new slot holding what `writeSlot` wrote (same aggregates, so the same columns). */
  readSlot(r: StateReader): number {
    const slot = this.alloc();
    this.count[slot] = r.f64();
    if (this.needSum) this.sum[slot] = r.f64();
    if (this.needMinMax) {
      this.min[slot] = r.f64();
      this.max[slot] = r.f64();
    }
    if (this.needWelford) {
      this.wMean[slot] = r.f64();
      this.wM2[slot] = r.f64();
    }
    if (this.needLast) {
      this.last[slot] = r.f64();
      this.lastTs[slot] = r.f64();
    }
    if (this.needSketch) this.sketches[slot] = readSketch(r);
    return slot;
  }

  /** The value of one aggregate for a slot; variance is the sample variance (n - 1), NaN below two values. */
  value(slot: number, agg: AggregateName): number {
    const n = this.count[slot];
    switch (agg) {
      case 'count':
        return n;
      case 'sum':
        return this.sum[slot];
      case 'min':
        return n > 0 ? this.min[slot] : NaN;
      case 'max':
        return n > 0 ? this.max[slot] : NaN;
      case 'mean':
        return n > 0 ? this.sum[slot] / n : NaN;
      case 'variance':
        return n > 1 ? this.wM2[slot] / (n - 1) : NaN;
      case 'last':
        return this.last[slot];
      default:
        return sketchQuantile(this.sketches[slot]!, QUANTILE_OF[agg]!);
    }
  }
}
