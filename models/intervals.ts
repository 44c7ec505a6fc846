// Prediction intervals calibrated from rolling-origin backtest residuals, per horizon step.
import { addToBucket, emptyBucketSums } from './bucket-sums.js';

/**
 * Per-step scale times pooled standardized quantiles. A horizon step sees only one residual per origin,
 * too few for a 95% quantile, so each step's spread (RMS, smoothed over neighbouring steps) sets the
 * width and the tail shape comes from all standardized residuals pooled across steps.
 */
export interface IntervalCalibration {
  /** Residual scale per horizon step (actual − forecast), length = horizon the model was calibrated for. */
  scale: number[];
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** Multiplier of the scale per season slot of the target step (time of day); empty when not calibrated by slot. */
  slotScale: number[];
  /** Number of residuals the calibration used. */
  count: number;
}

export interface Bands {
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

/**
 * `residuals` is origins × horizon, row-major, NaN where a step has no actual (end of data, collection).
 * `slots` (same layout) gives each residual's season slot, in [0, slotCount): errors at a daily peak are
 * larger than at night, and one width per step would over-cover the night and under-cover the peak.
 */
export function calibrateIntervals(
  residuals: Float64Array,
  horizon: number,
  slots?: Uint32Array,
  slotCount = 0,
): IntervalCalibration {
  const origins = Math.floor(residuals.length / horizon);
  const byStep = emptyBucketSums(horizon);
  for (let o = 0; o < origins; o++) {
    for (let h = 0; h < horizon; h++) {
      const r = residuals[o * horizon + h];
      if (r === r) addToBucket(byStep, h, r * r);
    }
  }
  const { sum, weight: cnt } = byStep;
  const rms = new Float64Array(horizon);
  let lastGood = NaN;
  for (let h = 0; h < horizon; h++) {
    rms[h] = cnt[h] > 0 ? Math.sqrt(sum[h] / cnt[h]) : lastGood;
    if (cnt[h] > 0) lastGood = rms[h];
  }
  const scale: number[] = new Array(horizon);
  const half = Math.max(1, Math.round(horizon / 24));
  for (let h = 0; h < horizon; h++) {
    let s = 0;
    let c = 0;
    for (let k = Math.max(0, h - half); k <= Math.min(horizon - 1, h + half); k++) {
      if (rms[k] === rms[k]) {
        s += rms[k];
        c++;
      }
    }
    scale[h] = c > 0 ? Math.max(s / c, 1e-9) : NaN;
  }
  // Steps no origin reached (a collection always came first) borrow the nearest earlier, else later, width.
  for (let h = 1; h < horizon; h++) if (scale[h] !== scale[h]) scale[h] = scale[h - 1];
  for (let h = horizon - 2; h >= 0; h--) if (scale[h] !== scale[h]) scale[h] = scale[h + 1];
  const slotScale = slots && slotCount > 0 ? slotMultipliers(residuals, horizon, scale, slots, slotCount) : [];
  // Symmetric quantiles of |z|: the skew of one calibration stretch is mostly that stretch's bias (a warm
  // fortnight, a level shift), which does not carry over to the next one, while the spread does.
  const z = new Float64Array(residuals.length);
  let m = 0;
  for (let o = 0; o < origins; o++) {
    for (let h = 0; h < horizon; h++) {
      const i = o * horizon + h;
      const r = residuals[i];
      if (r === r && scale[h] === scale[h])
        z[m++] = Math.abs(r / scale[h] / (slotScale.length > 0 ? slotScale[slots![i]] : 1));
    }
  }
  if (m < 20) {
    // Too few residuals to read tails empirically: fall back to Gaussian multipliers on the per-step RMS.
    const fill = scale.map((s) => (s === s ? s : 1e-9));
    return { scale: fill, lo80: -1.2816, hi80: 1.2816, lo95: -1.96, hi95: 1.96, slotScale, count: m };
  }
  const pos95 = 0.95 * (m - 1);
  const q95 = valueAtRank(z, m, pos95);
  // Selecting the 95% rank leaves the smaller values left of it, so the 80% rank is selected among those.
  const q80 = valueAtRank(z, Math.floor(pos95) + 1, 0.8 * (m - 1));
  return {
    scale,
    lo80: -q80,
    hi80: q80,
    lo95: -q95,
    hi95: q95,
    slotScale,
    count: m,
  };
}

/** RMS of step-standardized residuals per slot, smoothed over neighbouring slots (circularly), mean square 1. */
function slotMultipliers(
  residuals: Float64Array,
  horizon: number,
  scale: number[],
  slots: Uint32Array,
  slotCount: number,
): number[] {
  const bySlot = emptyBucketSums(slotCount);
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i];
    const s = scale[i % horizon];
    if (r === r && s === s) addToBucket(bySlot, slots[i], (r / s) ** 2);
  }
  const { sum, weight: cnt } = bySlot;
  const half = Math.max(1, Math.round(slotCount / 48));
  const out: number[] = new Array(slotCount);
  let total = 0;
  for (let k = 0; k < slotCount; k++) {
    let s = 0;
    let c = 0;
    for (let j = k - half; j <= k + half; j++) {
      const m = ((j % slotCount) + slotCount) % slotCount;
      s += sum[m];
      c += cnt[m];
    }
    out[k] = c > 0 ? s / c : NaN;
  }
  const known = out.filter((v) => v === v);
  for (const v of known) total += v;
  const meanSq = known.length > 0 ? total / known.length : 1;
  return out.map((v) => (v === v && meanSq > 0 ? Math.sqrt(v / meanSq) : 1));
}

/**
 * The value at fractional rank `pos` (linear interpolation) among a[0, to), by quickselect: O(n) instead of
 * a sort, since calibration runs per series, thousands of times per refit. Reorders that range.
 */
function valueAtRank(a: Float64Array, to: number, pos: number): number {
  const k = Math.floor(pos);
  select(a, 0, to - 1, k);
  const lo = a[k];
  let next = Infinity;
  for (let i = k + 1; i < to; i++) if (a[i] < next) next = a[i];
  return next === Infinity ? lo : lo + (next - lo) * (pos - k);
}

/** Hoare quickselect: afterwards a[k] holds the k-th smallest of a[left..right], smaller ones left of it. */
function select(a: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/**
 * Bands around `forecast`; steps past the calibrated horizon reuse the last step's scale. `firstSlot` is the
 * season slot of the first forecast step (used when the calibration has slot multipliers). Clamped to [min, max].
 */
export function applyIntervals(
  forecast: ArrayLike<number>,
  cal: IntervalCalibration,
  min = -Infinity,
  max = Infinity,
  firstSlot = 0,
): Bands {
  const n = forecast.length;
  const out: Bands = { lower80: new Array(n), upper80: new Array(n), lower95: new Array(n), upper95: new Array(n) };
  const clamp = (v: number): number => (v < min ? min : v > max ? max : v);
  for (let h = 0; h < n; h++) {
    const m = cal.slotScale.length > 0 ? cal.slotScale[(firstSlot + h) % cal.slotScale.length] : 1;
    const s = cal.scale[Math.min(h, cal.scale.length - 1)] * m;
    const f = forecast[h];
    out.lower80[h] = clamp(f + cal.lo80 * s);
    out.upper80[h] = clamp(f + cal.hi80 * s);
    out.lower95[h] = clamp(f + cal.lo95 * s);
    out.upper95[h] = clamp(f + cal.hi95 * s);
  }
  return out;
}
