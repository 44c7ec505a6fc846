// Cold-start forecasts from the history there is, before a model can be fitted: a bin's mean fill rate (series use models' seasonal naive).
import { detectCollections, DEFAULT_BIN_OPTIONS } from '../../../models/index.js';
import type { PathForecast } from './online.js';

const Z80 = 1.2816;
const Z95 = 1.96;

/** Needs one season plus this many steps, so the intervals rest on at least that many residuals. */
export const NAIVE_MIN_RESIDUALS = 12;

/** Needs this many readings for a bin's fill rate. */
export const FILL_RATE_MIN_STEPS = 6;

/**
 * A bin's level rising at its mean fill rate per step (increments across collections and at a full bin
 * left out, as in the fitted model), with a random-walk band from the spread of the increments.
 */
export function fillRatePath(
  levels: Float64Array,
  steps: number,
  stepMs: number,
  endMs: number,
  threshold: number,
): PathForecast {
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
    thresholdAtMs:
      rate > 0 && last < threshold ? endMs + Math.ceil((threshold - last) / rate) * stepMs : reach(forecast),
    thresholdEarliestMs: reach(upper80),
  };
}
