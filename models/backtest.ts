// Rolling-origin backtest of the series forecaster against seasonal naive, weekly naive and the classical day-and-week decomposition.
import { inputError } from '../src/errors.js';
import { DAY_MS, dayNumber } from './calendar.js';
import { decompositionMinimumHistory, fitDecomposition, forecastDecomposition } from './decomposition.js';
import { FIT_WINDOW_SEASONS, fitSeries, forecastModel, type SeriesInput } from './generic.js';
import { coverage, mae, naiveScale, smape } from './metrics.js';
import { seasonalNaive } from './seasonal-naive.js';
import type { SeriesMethod } from './series-model.js';

export interface PointScores {
  mae: number;
  smape: number;
  mase: number;
}

export interface Scores extends PointScores {
  coverage80: number;
  coverage95: number;
}

/** The model's scores on the steps that fall on special days (holidays), pooled over origins. */
export interface SpecialDayScores extends Scores {
  steps: number;
}

export interface BacktestReport {
  horizon: number;
  origins: number;
  /** Epoch milliseconds of each origin (the last observation the forecast saw). */
  originTimes: number[];
  /** The method each origin's fit chose. */
  methods: SeriesMethod[];
  model: Scores;
  seasonalNaive: Scores;
  /** Same step one week earlier; null when the season is not a day or a fit sees less than two weeks. */
  weeklyNaive: Scores | null;
  /** The day-and-week decomposition alone (point forecast); null where weekly naive is. */
  decomposition: PointScores | null;
  /** model MASE / seasonal-naive MASE. */
  maseRatio: number;
  seasonalNaiveMase: number;
  weeklyNaiveMase: number | null;
  decompositionMase: number | null;
  /** The smallest baseline MASE, and the model's MASE over it (below 1: the model beats every baseline). */
  bestBaselineMase: number;
  ratioToBestBaseline: number;
  /** Null when no tested step falls on a special day. */
  specialDays: SpecialDayScores | null;
}

/**
 * Origins sit `horizon` steps apart at the end of the series, so each test window is forecast once and
 * never seen by its fit. Scores are averaged over origins; MASE scales each origin by its own history.
 */
export function backtestSeries(input: SeriesInput, horizon: number, origins: number): BacktestReport {
  const n = input.values.length;
  const needed = n - origins * horizon;
  if (!Number.isInteger(origins) || origins < 1)
    throw inputError(`origins must be a positive integer, got ${origins}`, { field: 'origins' });
  if (needed < 2 * input.season) {
    throw inputError(
      `${origins} origins × horizon ${horizon} leave ${needed} observations to fit; reduce --origins or supply more history`,
      { field: 'origins' },
    );
  }
  const daily = input.season * input.stepMs === DAY_MS;
  const weekly = daily && needed >= decompositionMinimumHistory(input.season);
  const acc = { model: zero(), naive: zero(), week: zero(), dec: zero() };
  const special = { ...zero(), steps: 0 };
  const holidays = new Set(input.holidays ?? []);
  const originTimes: number[] = [];
  const methods: SeriesMethod[] = [];
  for (let k = origins; k >= 1; k--) {
    const o = n - k * horizon;
    const sub = (a: Float64Array): Float64Array => a.subarray(0, o);
    const train: SeriesInput = { ...input, values: sub(input.values), exog: input.exog?.map(sub) };
    const model = fitSeries(train, horizon);
    const fc = forecastModel(
      model,
      horizon,
      input.exog?.map((c) => c.subarray(o, o + horizon)),
    );
    const actual = input.values.subarray(o, o + horizon);
    const scale = naiveScale(train.values, input.season);
    const window = Math.min(o - input.season - horizon, 14 * input.season);
    const base = seasonalNaive(train.values, input.season, horizon, window);
    add(acc.model, actual, fc.forecast, fc, scale);
    add(acc.naive, actual, base.forecast, base, scale);
    if (weekly) {
      const week = seasonalNaive(train.values, 7 * input.season, horizon, window);
      add(acc.week, actual, week.forecast, week, scale);
      const from = Math.max(0, o - FIT_WINDOW_SEASONS * input.season);
      const dec = fitDecomposition(
        input.startMs + from * input.stepMs,
        input.values.subarray(from, o),
        { stepMs: input.stepMs, season: input.season, holidays: input.holidays ?? [], min: input.min ?? null },
        'classical',
      );
      const p = forecastDecomposition(dec, horizon);
      add(acc.dec, actual, p, { lower80: p, upper80: p, lower95: p, upper95: p }, scale);
    }
    for (let h = 0; h < horizon; h++) {
      if (!holidays.has(dayNumber(fc.timestamps[h]))) continue;
      const a = actual[h];
      special.steps++;
      special.mae += Math.abs(a - fc.forecast[h]);
      special.smape += smape([a], [fc.forecast[h]]);
      special.mase += Math.abs(a - fc.forecast[h]) / scale;
      special.coverage80 += a >= fc.lower80[h] && a <= fc.upper80[h] ? 1 : 0;
      special.coverage95 += a >= fc.lower95[h] && a <= fc.upper95[h] ? 1 : 0;
    }
    originTimes.push(model.endMs);
    methods.push(model.method);
  }
  const model = mean(acc.model, origins);
  const naive = mean(acc.naive, origins);
  const weeklyNaive = weekly ? mean(acc.week, origins) : null;
  const decomposition = weekly ? pointOnly(mean(acc.dec, origins)) : null;
  const bestBaselineMase = Math.min(naive.mase, weeklyNaive?.mase ?? Infinity, decomposition?.mase ?? Infinity);
  return {
    horizon,
    origins,
    originTimes,
    methods,
    model,
    seasonalNaive: naive,
    weeklyNaive,
    decomposition,
    maseRatio: model.mase / naive.mase,
    seasonalNaiveMase: naive.mase,
    weeklyNaiveMase: weeklyNaive?.mase ?? null,
    decompositionMase: decomposition?.mase ?? null,
    bestBaselineMase,
    ratioToBestBaseline: model.mase / bestBaselineMase,
    specialDays: special.steps > 0 ? { ...mean(special, special.steps), steps: special.steps } : null,
  };
}

function zero(): Scores {
  return { mae: 0, smape: 0, mase: 0, coverage80: 0, coverage95: 0 };
}

function pointOnly(s: Scores): PointScores {
  return { mae: s.mae, smape: s.smape, mase: s.mase };
}

function add(
  s: Scores,
  actual: Float64Array,
  f: ArrayLike<number>,
  b: { lower80: ArrayLike<number>; upper80: ArrayLike<number>; lower95: ArrayLike<number>; upper95: ArrayLike<number> },
  scale: number,
): void {
  const m = mae(actual, f);
  s.mae += m;
  s.smape += smape(actual, f);
  s.mase += m / scale;
  s.coverage80 += coverage(actual, b.lower80, b.upper80);
  s.coverage95 += coverage(actual, b.lower95, b.upper95);
}

function mean(s: Scores, k: number): Scores {
  return {
    mae: s.mae / k,
    smape: s.smape / k,
    mase: s.mase / k,
    coverage80: s.coverage80 / k,
    coverage95: s.coverage95 / k,
  };
}
