// Cold-start forecasts from the history there is, before a model can be fitted: seasonal naive, or a bin's mean fill rate.
import { detectCollections, DEFAULT_BIN_OPTIONS } from '../../../models/index.js';
import type { PathForecast } from './online.js';

const Z80 = 1.2816;
const Z95 = 1.96;

/** Needs one season plus this many steps, so the intervals rest on at least that many residuals. */
export const NAIVE_MIN_RESIDUALS = 12;

/** Needs this many readings for a bin's fill rate. */
export const FILL_RATE_MIN_STEPS = 6;

function quantileAbs(r: number[], q: number): number {
  const a = r.map(Math.abs).sort((x, y) => x - y);
  const pos = q * (a.length - 1);
  const k = Math.floor(pos);
  return k + 1 < a.length ? a[k] + (a[k + 1] - a[k]) * (pos - k) : a[k];
}

/**
 * Each step repeats the value one season earlier; the bands are the 80/95% quantiles of the absolute
 * season-on-season changes seen so far, the same width at every step (too few origins to grow them).
 */
export function seasonalNaivePath(values: Float64Array, season: number, steps: number, min = 0): PathForecast {
  const n = values.length;
  const res: number[] = [];
  for (let t = season; t < n; t++) res.push(values[t] - values[t - season]);
  const q80 = quantileAbs(res, 0.8);
  const q95 = quantileAbs(res, 0.95);
  const forecast = Array.from({ length: steps }, (_, h) => values[n - season + (h % season)]);
  const lo = (v: number): number => Math.max(min, v);
  return {
    forecast,
    lower80: forecast.map((f) => lo(f - q80)),
    upper80: forecast.map((f) => f + q80),
    lower95: forecast.map((f) => lo(f - q95)),
    upper95: forecast.map((f) => f + q95),
  };
}

/**
 * A bin's level rising at its mean fill rate per step (increments across collections and at a full bin
 * left out, as in the fitted model), with a random-walk band from the spread of the increments.
 */
export function fillRatePath(levels: Float64Array, steps: number, stepMs: number, endMs: number, threshold: number): PathForecast {
  const coll = detectCollections(levels, DEFAULT_BIN_OPTIONS);
  const inc: number[] = [];
  for (let t = 1; t < levels.length; t++) if (!coll[t] && levels[t - 1] < 99) inc.push(levels[t] - levels[t - 1]);
  const rate = inc.length > 0 ? Math.max(0, inc.reduce((s, x) => s + x, 0) / inc.length) : 0;
  const sd = inc.length > 1 ? Math.sqrt(inc.reduce((s, x) => s + (x - rate) ** 2, 0) / (inc.length - 1)) : 0;
  const last = levels[levels.length - 1];
  const clamp = (v: number): number => Math.min(100, Math.max(0, v));
  const forecast = Array.from({ length: steps }, (_, h) => clamp(last + rate * (h + 1)));
  const band = (z: number, sign: number) => forecast.map((f, h) => clamp(f + sign * z * sd * Math.sqrt(h + 1)));
  const upper80 = band(Z80, 1);
  const reach = (path: number[]): number | null => {
    if (last >= threshold) return endMs;
    const h = path.findIndex((v) => v >= threshold);
    return h >= 0 ? endMs + (h + 1) * stepMs : null;
  };
  return {
    forecast,
    lower80: band(Z80, -1),
    upper80,
    lower95: band(Z95, -1),
    upper95: band(Z95, 1),
    thresholdAtMs: rate > 0 && last < threshold ? endMs + Math.ceil((threshold - last) / rate) * stepMs : reach(forecast),
    thresholdEarliestMs: reach(upper80),
  };
}
