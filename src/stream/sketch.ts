// DDSketch: a mergeable quantile sketch with a relative-error guarantee, stored as plain data.
//
// Every value x > 0 falls in bucket i = ceil(log_gamma(x)) with gamma = (1 + a) / (1 - a); a quantile is
// answered with 2 * gamma^i / (gamma + 1), which is within relative error a of every value in the bucket.
// So a reported p99 is within a (1% by default) of the true p99 of the values added, for any distribution,
// as long as the bucket count stays under the cap (it only collapses the lowest buckets, so high quantiles
// keep the bound). Negative values use a mirrored store; |x| below MIN_POSITIVE counts as zero.
// Merging two sketches adds bucket counts, so per-partition sketches combine exactly.

const MIN_POSITIVE = 1e-9;
const MAX_BUCKETS = 2048;

export interface SketchStore {
  offset: number;
  counts: number[];
}

export interface DDSketchData {
  alpha: number;
  zero: number;
  count: number;
  /** Exact extremes: answers are clamped to them, so a quantile never lies outside the data. */
  min: number;
  max: number;
  pos: SketchStore;
  neg: SketchStore;
}

export const DEFAULT_SKETCH_ALPHA = 0.01;

export function createSketch(alpha = DEFAULT_SKETCH_ALPHA): DDSketchData {
  return {
    alpha,
    zero: 0,
    count: 0,
    min: Infinity,
    max: -Infinity,
    pos: { offset: 0, counts: [] },
    neg: { offset: 0, counts: [] },
  };
}

function gammaLn(alpha: number): number {
  return Math.log((1 + alpha) / (1 - alpha));
}

function addToStore(store: SketchStore, index: number, n: number): void {
  const counts = store.counts;
  if (counts.length === 0) {
    store.offset = index;
    counts.push(n);
    return;
  }
  if (index < store.offset) {
    const grow = store.offset - index;
    if (counts.length + grow > MAX_BUCKETS) {
      // Collapse into the lowest kept bucket: only low quantiles lose accuracy.
      counts[0] += n;
      return;
    }
    counts.unshift(...new Array<number>(grow).fill(0));
    store.offset = index;
  } else if (index >= store.offset + counts.length) {
    const need = index - store.offset + 1;
    if (need > MAX_BUCKETS) {
      const drop = need - MAX_BUCKETS;
      let folded = 0;
      for (let i = 0; i < drop && i < counts.length; i++) folded += counts[i];
      counts.splice(0, Math.min(drop, counts.length));
      store.offset += drop;
      if (counts.length === 0) counts.push(0);
      counts[0] += folded;
    }
    while (store.offset + counts.length <= index) counts.push(0);
  }
  counts[index - store.offset] += n;
}

export function sketchAdd(s: DDSketchData, value: number): void {
  s.count++;
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  const abs = Math.abs(value);
  if (abs < MIN_POSITIVE) {
    s.zero++;
    return;
  }
  const index = Math.ceil(Math.log(abs) / gammaLn(s.alpha));
  addToStore(value > 0 ? s.pos : s.neg, index, 1);
}

export function sketchMerge(into: DDSketchData, from: DDSketchData): void {
  if (into.alpha !== from.alpha) throw new Error(`cannot merge sketches with accuracy ${into.alpha} and ${from.alpha}`);
  into.count += from.count;
  into.zero += from.zero;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  for (const [a, b] of [
    [into.pos, from.pos],
    [into.neg, from.neg],
  ] as const) {
    for (let i = 0; i < b.counts.length; i++) if (b.counts[i] > 0) addToStore(a, b.offset + i, b.counts[i]);
  }
}

function bucketValue(alpha: number, index: number): number {
  const gamma = (1 + alpha) / (1 - alpha);
  return (2 * Math.pow(gamma, index)) / (gamma + 1);
}

/** The q-quantile (0 <= q <= 1) by rank floor(q * (count - 1)), as the lower quantile definition; NaN when empty. */
export function sketchQuantile(s: DDSketchData, q: number): number {
  if (s.count === 0) return NaN;
  return Math.min(s.max, Math.max(s.min, bucketQuantile(s, q)));
}

function bucketQuantile(s: DDSketchData, q: number): number {
  const rank = Math.floor(q * (s.count - 1));
  let seen = 0;
  for (let i = s.neg.counts.length - 1; i >= 0; i--) {
    seen += s.neg.counts[i];
    if (seen > rank) return -bucketValue(s.alpha, s.neg.offset + i);
  }
  seen += s.zero;
  if (seen > rank) return 0;
  for (let i = 0; i < s.pos.counts.length; i++) {
    seen += s.pos.counts[i];
    if (seen > rank) return bucketValue(s.alpha, s.pos.offset + i);
  }
  return bucketValue(s.alpha, s.pos.offset + s.pos.counts.length - 1);
}

/** Writes a sketch exactly (bucket counts and extremes), so a restored sketch answers as the original did. */
export function writeSketch(
  s: DDSketchData,
  w: { f64(v: number): void; i32(v: number): void; u32(v: number): void },
): void {
  w.f64(s.alpha);
  w.f64(s.zero);
  w.f64(s.count);
  w.f64(s.min);
  w.f64(s.max);
  for (const store of [s.pos, s.neg]) {
    w.i32(store.offset);
    w.u32(store.counts.length);
    for (const c of store.counts) w.f64(c);
  }
}

export function readSketch(r: { f64(): number; i32(): number; u32(): number }): DDSketchData {
  const s = createSketch(r.f64());
  s.zero = r.f64();
  s.count = r.f64();
  s.min = r.f64();
  s.max = r.f64();
  for (const store of [s.pos, s.neg]) {
    store.offset = r.i32();
    const n = r.u32();
    if (n > MAX_BUCKETS)
      throw new RangeError(`a sketch store holds at most ${MAX_BUCKETS} buckets, the record says ${n}`);
    for (let i = 0; i < n; i++) store.counts.push(r.f64());
  }
  return s;
}
