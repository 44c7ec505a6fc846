// A forecaster for any regular series with one declared season: the CLI's model, and the base of the per-kind ones.
import { autoConfig } from './auto-config.js';
import { applyIntervals, type Bands } from './intervals.js';
import { fitSeasonalArx, forecastSeasonalArx, seasonSlot, type RegularSeries, type SeasonalArxModel } from './seasonal-arx.js';

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

export function fitSeries(input: SeriesInput, horizon: number): SeasonalArxModel {
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

/** Point forecast and 80/95% intervals for `horizon` steps after the end of the fit. */
export function forecastModel(model: SeasonalArxModel, horizon: number, exogFuture?: ArrayLike<number>[]): Forecast {
  const point = forecastSeasonalArx(model, horizon, exogFuture);
  const min = model.config.min ?? -Infinity;
  const timestamps = Array.from({ length: horizon }, (_, h) => model.endMs + (h + 1) * model.config.stepMs);
  return { timestamps, forecast: Array.from(point), ...applyIntervals(point, model.calibration, min, Infinity, seasonSlot(timestamps[0] ?? model.endMs, model.config)) };
}
