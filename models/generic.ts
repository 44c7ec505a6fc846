// A forecaster for any regular series with a declared season: the CLI's model, and the base of the per-kind ones.
import { autoConfig } from './auto-config.js';
import { dayNumber } from './calendar.js';
import { applyIntervals, type Bands } from './intervals.js';
import { minimumHistory, seasonSlot, type RegularSeries } from './seasonal-arx.js';
import { isNearHoliday, NEAR_HOLIDAY_PRIOR } from './near-holiday.js';
import { fitSeriesModel, seriesPoint, type SeriesModel } from './series-model.js';

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

export function fitSeries(full: SeriesInput, horizon: number): SeriesModel {
  const cut = Math.max(0, full.values.length - FIT_WINDOW_SEASONS * full.season);
  const input: SeriesInput =
    cut === 0
      ? full
      : {
          ...full,
          startMs: full.startMs + cut * full.stepMs,
          values: full.values.subarray(cut),
          exog: full.exog?.map((c) => c.subarray(cut)),
        };
  const cfg = autoConfig({
    stepMs: input.stepMs,
    season: input.season,
    length: input.values.length,
    exogNames: input.exogNames,
    holidays: input.holidays,
    min: input.min,
  });
  // the yearly candidate looks a year back, before the fit window
  return fitSeriesModel(input, cfg, horizon, { values: full.values, offset: cut });
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

/**
 * Point forecast and 80/95% intervals for `horizon` steps after the end of the fit. On special days the band is
 * widened by what held-out special days showed or, with none held out, reaches out to the forecast of the same
 * day as an ordinary one: without history, whether a holiday behaves like a Sunday is itself uncertain. Days near
 * a holiday (see near-holiday.ts) are forecast part as ordinary days and part as holidays, by the weight the
 * history's near-holiday days showed, and their band reaches out to both forecasts: many people take them off, and
 * how many the calendar cannot say.
 */
export function forecastModel(model: SeriesModel, horizon: number, exogFuture?: ArrayLike<number>[]): Forecast {
  const point = seriesPoint(model, horizon, exogFuture);
  const ordinary = Float64Array.from(point);
  const min = model.min ?? -Infinity;
  const timestamps = Array.from({ length: horizon }, (_, h) => model.endMs + (h + 1) * model.stepMs);
  const holidays = new Set(model.holidays);
  const days = timestamps.map((t) => dayNumber(t));
  const nearHoliday = days.map((d) => isNearHoliday(d, holidays));
  let asHoliday: Float64Array | undefined;
  if (nearHoliday.includes(true)) {
    const asHolidays = [...model.holidays, ...new Set(days.filter((_, h) => nearHoliday[h]))].sort((a, b) => a - b);
    asHoliday = seriesPoint(model, horizon, exogFuture, asHolidays);
    const w = model.nearHoliday?.weight ?? NEAR_HOLIDAY_PRIOR;
    for (let h = 0; h < horizon; h++) if (nearHoliday[h]) point[h] = (1 - w) * point[h] + w * asHoliday[h];
  }
  const special = days.map((d) => holidays.has(d));
  const firstSlot = seasonSlot(timestamps[0] ?? model.endMs, model);
  // the recent-error widening applies in the holiday season only (see models/README, Intervals)
  const holidaySeason =
    special.includes(true) || nearHoliday.includes(true) || weekBeforeHasHoliday(dayNumber(model.endMs), holidays);
  const cal =
    model.recentScale > 1 && holidaySeason
      ? { ...model.calibration, scale: model.calibration.scale.map((v) => v * model.recentScale) }
      : model.calibration;
  const bands = applyIntervals(point, cal, min, Infinity, firstSlot);
  const k = model.specialDayScale;
  if (special.includes(true)) {
    if (k === null)
      reachOut(
        bands,
        applyIntervals(seriesPoint(model, horizon, exogFuture, []), cal, min, Infinity, firstSlot),
        special,
      );
    else widenBy(bands, point, special, k, min);
  }
  // The band always holds both outcomes' point forecasts; without near-holiday days in the history to learn the
  // weight from, their whole bands.
  if (asHoliday) {
    const learned = (model.nearHoliday?.learnedFromDays ?? 0) > 0;
    const around = (p: Float64Array): Bands =>
      learned ? pointBand(p) : applyIntervals(p, cal, min, Infinity, firstSlot);
    reachOut(bands, around(asHoliday), nearHoliday);
    reachOut(bands, around(ordinary), nearHoliday);
  }
  return { timestamps, forecast: Array.from(point), ...bands };
}

/** Whether a holiday or a day near one falls in the week up to `endDay`. */
function weekBeforeHasHoliday(endDay: number, holidays: ReadonlySet<number>): boolean {
  for (let d = endDay - 6; d <= endDay; d++) if (holidays.has(d) || isNearHoliday(d, holidays)) return true;
  return false;
}

/** A band of zero width at `p`. */
function pointBand(p: Float64Array): Bands {
  const v = Array.from(p);
  return { lower80: v, upper80: v, lower95: v, upper95: v };
}

/** Where `mask` holds, each band spans its own and the alternative forecast's band. */
function reachOut(bands: Bands, alt: Bands, mask: boolean[]): void {
  for (let h = 0; h < mask.length; h++) {
    if (!mask[h]) continue;
    bands.lower80[h] = Math.min(bands.lower80[h], alt.lower80[h]);
    bands.upper80[h] = Math.max(bands.upper80[h], alt.upper80[h]);
    bands.lower95[h] = Math.min(bands.lower95[h], alt.lower95[h]);
    bands.upper95[h] = Math.max(bands.upper95[h], alt.upper95[h]);
  }
}

/** Where `mask` holds, the band's half-widths times `k` (quantiles are symmetric; only the lower band can have been clamped at `min`). */
function widenBy(bands: Bands, point: Float64Array, mask: boolean[], k: number, min: number): void {
  for (let h = 0; h < mask.length; h++) {
    if (!mask[h]) continue;
    const f = point[h];
    const w80 = (bands.upper80[h] - f) * k;
    const w95 = (bands.upper95[h] - f) * k;
    bands.lower80[h] = Math.max(min, f - w80);
    bands.upper80[h] = f + w80;
    bands.lower95[h] = Math.max(min, f - w95);
    bands.upper95[h] = f + w95;
  }
}
