// Rolling-origin backtest of the series forecaster against the seasonal-naive baseline.
import { inputError } from '../src/errors.js';
import { fitSeries, forecastModel, type SeriesInput } from './generic.js';
import { coverage, mae, naiveScale, smape } from './metrics.js';
import { seasonalNaiveWithIntervals } from './seasonal-naive.js';

export interface Scores {
  mae: number;
  smape: number;
  mase: number;
  coverage80: number;
  coverage95: number;
}

export interface BacktestReport {
  horizon: number;
  origins: number;
  /** Epoch milliseconds of each origin (the last observation the forecast saw). */
  originTimes: number[];
  model: Scores;
  seasonalNaive: Scores;
  /** model MASE / seasonal-naive MASE. */
  maseRatio: number;
}

/**
 * Origins sit `horizon` steps apart at the end of the series, so each test window is forecast once and
 * never seen by its fit. Scores are averaged over origins; MASE scales each origin by its own history.
 */
export function backtestSeries(input: SeriesInput, horizon: number, origins: number): BacktestReport {
  const n = input.values.length;
  const needed = n - origins * horizon;
  if (!Number.isInteger(origins) || origins < 1) throw inputError(`origins must be a positive integer, got ${origins}`, { field: 'origins' });
  if (needed < 2 * input.season) {
    throw inputError(`${origins} origins × horizon ${horizon} leave ${needed} observations to fit; reduce --origins or supply more history`, { field: 'origins' });
  }
  const acc = { model: zero(), naive: zero() };
  const originTimes: number[] = [];
  for (let k = origins; k >= 1; k--) {
    const o = n - k * horizon;
    const sub = (a: Float64Array): Float64Array => a.subarray(0, o);
    const train: SeriesInput = { ...input, values: sub(input.values), exog: input.exog?.map(sub) };
    const model = fitSeries(train, horizon);
    const fc = forecastModel(model, horizon, input.exog?.map((c) => c.subarray(o, o + horizon)));
    const actual = input.values.subarray(o, o + horizon);
    const scale = naiveScale(train.values, input.season);
    const base = seasonalNaiveWithIntervals(train.values, input.season, horizon, Math.min(o - input.season - horizon, 14 * input.season));
    add(acc.model, actual, fc.forecast, fc, scale);
    add(acc.naive, actual, base.forecast, base, scale);
    originTimes.push(model.endMs);
  }
  const model = mean(acc.model, origins);
  const seasonalNaive = mean(acc.naive, origins);
  return { horizon, origins, originTimes, model, seasonalNaive, maseRatio: model.mase / seasonalNaive.mase };
}

function zero(): Scores {
  return { mae: 0, smape: 0, mase: 0, coverage80: 0, coverage95: 0 };
}

function add(s: Scores, actual: Float64Array, f: ArrayLike<number>, b: { lower80: ArrayLike<number>; upper80: ArrayLike<number>; lower95: ArrayLike<number>; upper95: ArrayLike<number> }, scale: number): void {
  const m = mae(actual, f);
  s.mae += m;
  s.smape += smape(actual, f);
  s.mase += m / scale;
  s.coverage80 += coverage(actual, b.lower80, b.upper80);
  s.coverage95 += coverage(actual, b.lower95, b.upper95);
}

function mean(s: Scores, k: number): Scores {
  return { mae: s.mae / k, smape: s.smape / k, mase: s.mase / k, coverage80: s.coverage80 / k, coverage95: s.coverage95 / k };
}
