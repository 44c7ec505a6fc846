// Default model configurations derived from the data's step, season and length, not from any one data set.
import { DAY_MS } from './calendar.js';
import type { SeasonalArxConfig } from './seasonal-arx.js';

export interface AutoConfigInput {
  stepMs: number;
  season: number;
  /** Observations available to fit. */
  length: number;
  exogNames?: string[];
  holidays?: number[];
  min?: number | null;
}

/**
 * A daily season switches on the calendar (weekday, weekend shape, holidays); the weekly lag joins once four
 * weeks of history exist, since with less it costs more rows than it explains.
 */
export function autoConfig(input: AutoConfigInput): SeasonalArxConfig {
  const { stepMs, season, length } = input;
  const calendar = season * stepMs === DAY_MS;
  const lags = [1, 2, season];
  if (calendar && length >= 4 * 7 * season) lags.push(7 * season);
  return {
    stepMs,
    season,
    fourierOrder: Math.min(10, Math.floor(season / 2)),
    calendar,
    weekendOrder: 4,
    lags: [...new Set(lags)].sort((a, b) => a - b),
    levelWindow: season,
    exogNames: input.exogNames ?? [],
    holidays: input.holidays ?? [],
    lambda: 1e-3,
    min: input.min ?? null,
  };
}
