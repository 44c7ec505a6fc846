// Seasonal naive: each step repeats the value one season (a day, or a week for weekly naive) earlier, with intervals.
import type { Bands } from './intervals.js';

function quantileAbs(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const k = Math.floor(pos);
  return k + 1 < sorted.length ? sorted[k] + (sorted[k + 1] - sorted[k]) * (pos - k) : sorted[k];
}

/**
 * The forecast and its 80/95% bands: the quantiles of the absolute season-on-season changes over the last
 * `window` steps (all of the history by default). Each such change is the error the method would have made
 * forecasting that step, at any horizon up to a season, so one pool serves every step and the method needs
 * only a season and a few steps to answer (the live cold start) as well as serving as the backtest's baseline.
 * `min` floors the forecast's bands (0 for loads).
 */
export function seasonalNaive(
  history: ArrayLike<number>,
  season: number,
  horizon: number,
  window = Infinity,
  min = -Infinity,
): { forecast: number[] } & Bands {
  const n = history.length;
  const from = Math.max(season, n - window);
  const changes = new Float64Array(Math.max(0, n - from));
  let c = 0;
  for (let t = from; t < n; t++) {
    const d = Math.abs(history[t] - history[t - season]);
    if (d === d) changes[c++] = d;
  }
  const sorted = changes.subarray(0, c).sort();
  const q80 = quantileAbs(sorted, 0.8);
  const q95 = quantileAbs(sorted, 0.95);
  const forecast = Array.from({ length: horizon }, (_, h) => history[n - season + (h % season)]);
  const lo = (v: number): number => Math.max(min, v);
  return {
    forecast,
    lower80: forecast.map((f) => lo(f - q80)),
    upper80: forecast.map((f) => f + q80),
    lower95: forecast.map((f) => lo(f - q95)),
    upper95: forecast.map((f) => f + q95),
  };
}
