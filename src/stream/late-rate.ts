// Whether readings are being dropped as late far more than usual: the late share of the last minute against the share before it.

export interface LateRateStatus {
  /** Late readings in the recent window. */
  recentLate: number;
  /** Late readings per routed reading in the recent window. */
  recentRatio: number;
  /** Late readings per routed reading before the recent window (the usual share). */
  normalRatio: number;
  /** The recent share is far above the usual one (and not a handful of readings). */
  abnormal: boolean;
}

export interface LateRateOptions {
  windowMs?: number;
  /** Fewer late readings than this in the window is never abnormal. */
  minLate?: number;
  /** Abnormal above this many times the usual share... */
  factor?: number;
  /** ...and above this share in any case. */
  floor?: number;
}

interface Sample {
  at: number;
  late: number;
  routed: number;
}

/**
 * Fed the engine's cumulative late and routed counters with a processing time (`sample`); answers from those samples
 * alone, so it is pure and the caller picks the clock. A source whose clock runs ahead closes windows early and makes
 * the other sources' readings late: this is how that shows up while the process still looks healthy.
 */
export class LateRateMonitor {
  private readonly samples: Sample[] = [];
  private first: Sample | undefined;
  private readonly o: Required<LateRateOptions>;

  constructor(o: LateRateOptions = {}) {
    this.o = { windowMs: 60_000, minLate: 100, factor: 10, floor: 0.01, ...o };
  }

  sample(at: number, late: number, routed: number): void {
    const s = { at, late, routed };
    this.first ??= s;
    this.samples.push(s);
    // Keep one sample at or before the window's start, so the window is always covered.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.o.windowMs) this.samples.shift();
  }

  status(): LateRateStatus {
    const last = this.samples[this.samples.length - 1];
    const start = this.samples[0];
    if (!last || !this.first) return { recentLate: 0, recentRatio: 0, normalRatio: 0, abnormal: false };
    const ratio = (late: number, routed: number) => (routed > 0 ? late / routed : 0);
    const recentLate = last.late - start.late;
    const recentRatio = ratio(recentLate, last.routed - start.routed);
    const normalRatio = ratio(start.late - this.first.late, start.routed - this.first.routed);
    const abnormal = recentLate >= this.o.minLate && recentRatio > Math.max(this.o.factor * normalRatio, this.o.floor);
    return { recentLate, recentRatio, normalRatio, abnormal };
  }
}
