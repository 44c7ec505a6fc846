// Prediction intervals calibrated from rolling-origin backtest residuals, per horizon step.

/**
 * Per-step scale times pooled standardized quantiles. A horizon step sees only one residual per origin,
 * too few for a 95% quantile, so each step's spread (RMS, smoothed over neighbouring steps) sets the
 * width and the shape (including skew) comes from all standardized residuals pooled across steps.
 */
export interface IntervalCalibration {
  /** Residual scale per horizon step (actual − forecast), length = horizon the model was calibrated for. */
  scale: number[];
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** Number of residuals the calibration used. */
  count: number;
}

export interface Bands {
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

/** `residuals` is origins × horizon, row-major, NaN where a step has no actual (end of data, collection). */
export function calibrateIntervals(residuals: Float64Array, horizon: number): IntervalCalibration {
  const origins = Math.floor(residuals.length / horizon);
  const sum = new Float64Array(horizon);
  const cnt = new Float64Array(horizon);
  for (let o = 0; o < origins; o++) {
    for (let h = 0; h < horizon; h++) {
      const r = residuals[o * horizon + h];
      if (r !== r) continue;
      sum[h] += r * r;
      cnt[h] += 1;
    }
  }
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
  const z: number[] = [];
  for (let o = 0; o < origins; o++) {
    for (let h = 0; h < horizon; h++) {
      const r = residuals[o * horizon + h];
      if (r === r && scale[h] === scale[h]) z.push(r / scale[h]);
    }
  }
  if (z.length < 20) {
    // Too few residuals to read tails empirically: fall back to Gaussian multipliers on the per-step RMS.
    const fill = scale.map((s) => (s === s ? s : 1e-9));
    return { scale: fill, lo80: -1.2816, hi80: 1.2816, lo95: -1.96, hi95: 1.96, count: z.length };
  }
  z.sort((a, b) => a - b);
  // The point forecast stays inside its own intervals even when the residuals are one-sided.
  return {
    scale,
    lo80: Math.min(0, quantileSorted(z, 0.1)),
    hi80: Math.max(0, quantileSorted(z, 0.9)),
    lo95: Math.min(0, quantileSorted(z, 0.025)),
    hi95: Math.max(0, quantileSorted(z, 0.975)),
    count: z.length,
  };
}

export function quantileSorted(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Bands around `forecast`; steps past the calibrated horizon reuse the last step's scale. Optional clamp to [min, max]. */
export function applyIntervals(forecast: ArrayLike<number>, cal: IntervalCalibration, min = -Infinity, max = Infinity): Bands {
  const n = forecast.length;
  const out: Bands = { lower80: new Array(n), upper80: new Array(n), lower95: new Array(n), upper95: new Array(n) };
  const clamp = (v: number): number => (v < min ? min : v > max ? max : v);
  for (let h = 0; h < n; h++) {
    const s = cal.scale[Math.min(h, cal.scale.length - 1)];
    const f = forecast[h];
    out.lower80[h] = clamp(f + cal.lo80 * s);
    out.upper80[h] = clamp(f + cal.hi80 * s);
    out.lower95[h] = clamp(f + cal.lo95 * s);
    out.upper95[h] = clamp(f + cal.hi95 * s);
  }
  return out;
}
