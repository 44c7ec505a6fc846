// Turns a parsed CSV series, the CLI's --season/--horizon and the holidays given into a checked forecaster input.
import { inputError } from '../src/errors.js';
import type { CsvSeries } from './csv.js';
import type { SeriesInput } from './generic.js';
import { minimumHistory } from './seasonal-arx.js';
import { autoConfig } from './auto-config.js';

export function positiveInt(raw: string | number, flag: string, min = 1): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw inputError(`${flag} must be an integer ≥ ${min}, got "${raw}"`, { field: flag });
  return v;
}

/**
 * A series that never goes negative keeps a floor at 0 in its forecasts and intervals. `extraHistory` is what a
 * backtest holds out on top of one fit; the needed length is in the error, so the user knows how much to add.
 */
export function seriesInput(
  csv: CsvSeries,
  season: number,
  horizon: number,
  extraHistory = 0,
  holidays: readonly number[] = [],
): SeriesInput {
  const n = csv.values.length;
  const need =
    minimumHistory(autoConfig({ stepMs: csv.stepMs, season, length: n - extraHistory }), horizon) + extraHistory;
  if (n < need) {
    throw inputError(
      `too little history: ${n} observations, season ${season} and horizon ${horizon} need at least ${need}`,
      { field: 'values', required: need, got: n },
    );
  }
  let nonNegative = true;
  for (let i = 0; i < n; i++) if (csv.values[i] < 0) nonNegative = false;
  return {
    startMs: csv.startMs,
    stepMs: csv.stepMs,
    values: csv.values,
    exog: csv.exog,
    exogNames: csv.exogNames,
    season,
    holidays: [...new Set([...csv.holidays, ...holidays])].sort((a, b) => a - b),
    min: nonNegative ? 0 : null,
  };
}
