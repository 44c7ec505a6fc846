// A log-bucketed latency histogram (about 2% resolution) for emit-delay quantiles without keeping samples.

const BUCKETS_PER_DOUBLING = 32;
const MIN_MS = 0.001;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS_PER_DOUBLING * 40);
  count = 0;
  max = 0;

  record(ms: number, times = 1): void {
    const v = Math.max(ms, MIN_MS);
    const i = Math.min(this.counts.length - 1, Math.floor(Math.log2(v / MIN_MS) * BUCKETS_PER_DOUBLING));
    this.counts[i] += times;
    this.count += times;
    if (ms > this.max) this.max = ms;
  }

  /** A copy, to take the difference over an interval later (`since`). */
  clone(): LatencyHistogram {
    const c = new LatencyHistogram();
    c.counts.set(this.counts);
    c.count = this.count;
    c.max = this.max;
    return c;
  }

  /** What was recorded after `earlier` (a clone of this histogram), e.g. a steady state after start-up. */
  since(earlier: LatencyHistogram): LatencyHistogram {
    const d = new LatencyHistogram();
    for (let i = 0; i < this.counts.length; i++) d.counts[i] = this.counts[i] - earlier.counts[i];
    d.count = this.count - earlier.count;
    // The largest value of the interval is unknown; the top bucket's edge bounds it.
    d.max = Infinity;
    return d;
  }

  /** Upper edge of the bucket holding the q-quantile; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, MIN_MS * Math.pow(2, (i + 1) / BUCKETS_PER_DOUBLING));
    }
    return this.max;
  }
}
