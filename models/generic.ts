// A forecaster for any regular series with one declared season: the CLI's model, and the base of the per-kind ones.
import { autoConfig } from './auto-config.js';
import { applyIntervals, type Bands } from './intervals.js';
import { fitSeasonalArx, forecastSeasonalArx, minimumHistory, seasonSlot, type RegularSeries, type SeasonalArxModel } from './seasonal-arx.js';

export interface SeriesInput extends RegularSeries {
  season: number;
  exogNames?: string[];
  /** Holiday day numbers (see calendar.holidayDays). */
  holidays?: number[];
  /** Lower bound of the values (0 for loads and counts). */
  min?: number | null;
}

export interface Forecast extends Bands {
  /** Epoch milliseconds of each forecast step. */
  timestamps: number[];
  forecast: number[];
}

/**
 * Fits on the most recent 84 seasons (12 weeks for a daily season) at most: the daily shape, the weight of
 * yesterday and the temperature response change with the time of year, so a year-long fit averages regimes
 * that no longer hold, while 12 weeks still show every weekday a dozen times.
 */
export const FIT_WINDOW_SEASONS = 84;

export function fitSeries(full: SeriesInput, horizon: number): SeasonalArxModel {
  const cut = Math.max(0, full.values.length - FIT_WINDOW_SEASONS * full.season);
  const input: SeriesInput =
    cut === 0
      ? full
      : { ...full, startMs: full.startMs + cut * full.stepMs, values: full.values.subarray(cut), exog: full.exog?.map((c) => c.subarray(cut)) };
  const cfg = autoConfig({
    stepMs: input.stepMs,
    season: input.season,
    length: input.values.length,
    exogNames: input.exogNames,
    holidays: input.holidays,
    min: input.min,
  });
  return fitSeasonalArx(input, cfg, horizon);
}

/**
 * The longest horizon (at most `max`) whose intervals `fitSeries` can calibrate on `length` observations,
 * or 0 when it cannot fit at all: online callers fit early with a shorter calibrated horizon and refit as
 * history grows.
 */
export function calibratableHorizon(season: number, stepMs: number, length: number, max: number): number {
  const used = Math.min(length, FIT_WINDOW_SEASONS * season);
  const cfg = autoConfig({ stepMs, season, length: used });
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (minimumHistory(cfg, mid) <= used) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Point forecast and 80/95% intervals for `horizon` steps after the end of the fit. */
export function forecastModel(model: SeasonalArxModel, horizon: number, exogFuture?: ArrayLike<number>[]): Forecast {
  const point = forecastSeasonalArx(model, horizon, exogFuture);
  const min = model.config.min ?? -Infinity;
  const timestamps = Array.from({ length: horizon }, (_, h) => model.endMs + (h + 1) * model.config.stepMs);
  return { timestamps, forecast: Array.from(point), ...applyIntervals(point, model.calibration, min, Infinity, seasonSlot(timestamps[0] ?? model.endMs, model.config)) };
}
