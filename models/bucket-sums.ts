// Weighted sums per bucket (a season phase, a horizon step, a time-of-day slot): what per-bucket means are read from.

/** Per bucket k: `sum[k]` = Σ w·x and `weight[k]` = Σ w over the values added to it. */
export interface BucketSums {
  readonly sum: Float64Array;
  readonly weight: Float64Array;
}

export function emptyBucketSums(buckets: number): BucketSums {
  return { sum: new Float64Array(buckets), weight: new Float64Array(buckets) };
}

/** Adds value `x` with weight `w` (1: a plain count) to bucket `k`. */
export function addToBucket(b: BucketSums, k: number, x: number, w = 1): void {
  b.sum[k] += w * x;
  b.weight[k] += w;
}
