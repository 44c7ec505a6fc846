// The seasonal-naive baseline: each step repeats the value one season earlier, with backtest-calibrated intervals.
import { applyIntervals, calibrateIntervals, type Bands } from './intervals.js';

export function seasonalNaiveForecast(history: ArrayLike<number>, season: number, horizon: number): Float64Array {
  const n = history.length;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = history[n - season + (h % season)];
  return out;
}

/** Intervals from the baseline's own rolling-origin errors over the last `window` origins of the history. */
export function seasonalNaiveWithIntervals(history: ArrayLike<number>, season: number, horizon: number, window: number): { forecast: Float64Array } & Bands {
  const n = history.length;
  const first = Math.max(season, n - window - horizon);
  const origins = Math.max(0, n - horizon - first + 1);
  const res = new Float64Array(origins * horizon);
  for (let o = 0; o < origins; o++) {
    const origin = first + o;
    for (let h = 0; h < horizon; h++) res[o * horizon + h] = history[origin + h] - history[origin - season + (h % season)];
  }
  const forecast = seasonalNaiveForecast(history, season, horizon);
  return { forecast, ...applyIntervals(forecast, calibrateIntervals(res, horizon)) };
}
