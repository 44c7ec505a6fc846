// The series forecaster: candidates scored at the same held-out origins, the best one kept, intervals calibrated on its errors.
import { learnNearHolidayWeight, type NearHolidayWeight } from './near-holiday.js';
import { dayNumber } from './calendar.js';
import {
  appendDecomposition,
  decompositionMinimumHistory,
  fitDecomposition,
  forecastDecomposition,
  forecastDecompositionAfter,
  type DecompositionModel,
} from './decomposition.js';
import { calibrateIntervals, type IntervalCalibration } from './intervals.js';
import {
  appendSeasonalArx,
  fitSeasonalArxHeldOut,
  forecastSeasonalArx,
  seasonSlot,
  type RegularSeries,
  type SeasonalArxConfig,
  type SeasonalArxModel,
} from './seasonal-arx.js';

export type SeriesMethod =
  'seasonal-arx' | 'decomposition' | 'combination' | 'weekly-naive' | 'seasonal-naive' | 'yearly-naive';

/** The single methods a combination weighs, in the order of `SeriesModel.weights` (then yearly naive, where scored). */
export const COMBINED: readonly SeriesMethod[] = ['seasonal-arx', 'decomposition', 'weekly-naive', 'seasonal-naive'];

/** A year back on the same weekday: 52 weeks. */
export const YEAR_DAYS = 364;

/** A fitted series forecaster: plain JSON, restorable with no other state. */
export interface SeriesModel {
  kind: 'series';
  /** 2: the weighted combination replaced the fixed ARX + decomposition average. */
  version: 2;
  /** The candidate with the smallest held-out error, the one that forecasts. */
  method: SeriesMethod;
  stepMs: number;
  /** Steps per primary season (a day for calendar series). */
  season: number;
  holidays: number[];
  min: number | null;
  endMs: number;
  /** The last week (or season) of observations, for the naive methods. */
  tail: number[];
  arx: SeasonalArxModel;
  /** Present when the method uses it. */
  decomposition: DecompositionModel | null;
  /** Combination only: the weight of each method it weighs (non-negative, summing to 1); null otherwise. */
  weights: number[] | null;
  /** The methods `weights` weigh, when not COMBINED: COMBINED and yearly naive, on a history of more than a year. */
  combined?: SeriesMethod[];
  /**
   * The last year and week of observations, when the chosen method uses yearly naive (itself, or in the
   * combination with a weight): the year before each forecast step, and the week a year before the fit's last.
   */
  yearTail?: number[];
  /** Conformal calibration on the chosen method's held-out errors, per horizon step. */
  calibration: IntervalCalibration;
  /**
   * Width multiplier on special days, from the held-out errors on holidays; null when the held-out tail had no
   * holiday, and then a special day's band reaches out to the ordinary-day forecast as well (see forecastSeriesModel).
   */
  specialDayScale: number | null;
  /**
   * Width multiplier (at least 1) from the errors on the most recent day of the held-out tail against all of them:
   * when the series has just left its usual pattern (the week between Christmas and New Year) the next forecasts
   * err as the last ones did, and quantiles of the whole tail would cover far less than nominal.
   */
  recentScale: number;
  /**
   * How far towards a holiday the days near one are forecast, learned from the history's near-holiday days
   * (absent in models saved before it was learned: then the prior).
   */
  nearHoliday?: NearHolidayWeight;
  /** Mean absolute held-out error of every candidate scored, best first: why the method was chosen. */
  selection: { method: SeriesMethod; mae: number }[];
}

/** Fewest held-out special-day errors that set their own width (a quarter of a day's steps). */
const MIN_SPECIAL_RESIDUALS_DAYS = 0.25;

function naivePoint(tail: ArrayLike<number>, lag: number, horizon: number, out: Float64Array, off: number): void {
  const n = tail.length;
  for (let h = 0; h < horizon; h++) out[off + h] = tail[n - lag + (h % lag)];
}

function meanOf(a: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) if (a[i] === a[i]) ((s += a[i]), c++);
  return c > 0 ? s / c : NaN;
}

/**
 * Yearly naive, level-adjusted: the value 52 weeks before each step, shifted by how much the last week's mean
 * differs from the same week's a year before (the yearly shape at this time of year, at this year's level). A step
 * whose year-ago value is missing takes the week-ago one. `tail` holds at least a year and a week.
 */
function yearlyPoint(
  tail: ArrayLike<number>,
  year: number,
  week: number,
  horizon: number,
  out: Float64Array,
  off: number,
): void {
  const n = tail.length;
  let shift = meanOf(tail, n - week, n) - meanOf(tail, n - week - year, n - year);
  if (!(shift === shift)) shift = 0;
  for (let h = 0; h < horizon; h++) {
    const back = tail[n - year + (h % year)];
    out[off + h] = back === back ? back + shift : tail[n - week + (h % week)];
  }
}

interface Candidate {
  method: SeriesMethod;
  forecasts: Float64Array;
}

/**
 * Fits the ARX (with its rolling-origin held-out forecasts) and scores the other candidates at the same origins:
 * the decomposition refitted at the same points, their average, weekly naive and seasonal naive, and yearly naive
 * where `history` (what the fit window was cut from) reaches a year and a week before the first origin. Candidates
 * need two weeks before the first origin (weekly ones) or one season; the ARX is always a candidate.
 */
export function fitSeriesModel(
  series: RegularSeries,
  cfg: SeasonalArxConfig,
  horizon: number,
  history?: YearHistory,
): SeriesModel {
  const { model: arx, heldOut } = fitSeasonalArxHeldOut(series, cfg, horizon);
  const y = series.values;
  const n = y.length;
  const { season, stepMs } = cfg;
  const week = 7 * season;
  const origins = heldOut.origins;
  const count = origins.length;
  const first = origins[0] ?? n;
  const candidates: Candidate[] = [{ method: 'seasonal-arx', forecasts: heldOut.forecasts }];
  const decCfg = { stepMs, season, holidays: cfg.holidays, min: cfg.min };
  const weekly = cfg.calendar && first >= decompositionMinimumHistory(season);
  if (weekly) {
    const dec = new Float64Array(count * horizon);
    let fitted: DecompositionModel | null = null;
    let fittedTo = -1;
    for (let k = 0; k < count; k++) {
      if (heldOut.fittedTo[k] !== fittedTo) {
        fittedTo = heldOut.fittedTo[k];
        fitted = fitDecomposition(series.startMs, y.subarray(0, fittedTo), decCfg);
      }
      const o = origins[k];
      dec.set(
        forecastDecompositionAfter(fitted!, y.subarray(0, o), series.startMs + (o - 1) * stepMs, horizon),
        k * horizon,
      );
    }
    const wn = new Float64Array(count * horizon);
    for (let k = 0; k < count; k++) naivePoint(y.subarray(0, origins[k]), week, horizon, wn, k * horizon);
    candidates.push({ method: 'decomposition', forecasts: dec }, { method: 'weekly-naive', forecasts: wn });
  }
  // yearly naive where the history reaches a year and a week before the first held-out origin
  const year = YEAR_DAYS * season;
  const full = history?.values ?? y;
  const offset = history?.offset ?? 0;
  const yearly = weekly && offset + first >= year + week;
  if (yearly) {
    const yn = new Float64Array(count * horizon);
    for (let k = 0; k < count; k++)
      yearlyPoint(full.subarray(0, offset + origins[k]), year, week, horizon, yn, k * horizon);
    candidates.push({ method: 'yearly-naive', forecasts: yn });
  }
  const combined: readonly SeriesMethod[] = yearly ? [...COMBINED, 'yearly-naive'] : COMBINED;
  const sn = new Float64Array(count * horizon);
  for (let k = 0; k < count; k++) naivePoint(y.subarray(0, origins[k]), season, horizon, sn, k * horizon);
  candidates.push({ method: 'seasonal-naive', forecasts: sn });
  let weights: number[] | null = null;
  if (weekly) {
    const parts = combined.map((m) => candidates.find((c) => c.method === m)!.forecasts);
    weights = combinationWeights(y, origins, horizon, parts);
    const comb = new Float64Array(count * horizon);
    for (let j = 0; j < parts.length; j++)
      if (weights[j] > 0) for (let i = 0; i < comb.length; i++) comb[i] += weights[j] * parts[j][i];
    candidates.push({ method: 'combination', forecasts: comb });
  }

  const scored = candidates.map((c) => ({ c, mae: heldOutMae(y, origins, horizon, c.forecasts) }));
  scored.sort((a, b) => a.mae - b.mae);
  const best = scored[0].c;
  const residuals = new Float64Array(count * horizon);
  const slots = new Uint32Array(count * horizon);
  const special = new Uint8Array(count * horizon);
  const holidaySet = new Set(cfg.holidays);
  for (let k = 0; k < count; k++) {
    for (let h = 0; h < horizon; h++) {
      const t = origins[k] + h;
      const ms = series.startMs + t * stepMs;
      residuals[k * horizon + h] = y[t] - best.forecasts[k * horizon + h];
      slots[k * horizon + h] = seasonSlot(ms, cfg);
      special[k * horizon + h] = holidaySet.has(dayNumber(ms)) ? 1 : 0;
    }
  }
  const calibration = calibrateIntervals(residuals, horizon, slots, season);
  const z = standardizedSquares(residuals, calibration, slots, horizon);
  const usesDecomposition = best.method === 'decomposition' || (best.method === 'combination' && weights![1] > 0);
  const usesYearly =
    best.method === 'yearly-naive' || (best.method === 'combination' && yearly && weights![COMBINED.length] > 0);
  return {
    kind: 'series',
    version: 2,
    method: best.method,
    stepMs,
    season,
    holidays: cfg.holidays,
    min: cfg.min,
    endMs: arx.endMs,
    tail: Array.from(y.subarray(Math.max(0, n - (weekly ? week : season)))),
    arx,
    decomposition: usesDecomposition ? fitDecomposition(series.startMs, y, decCfg) : null,
    weights: best.method === 'combination' ? weights : null,
    ...(best.method === 'combination' && yearly ? { combined: [...combined] } : {}),
    ...(usesYearly ? { yearTail: Array.from(full.subarray(full.length - year - week)) } : {}),
    calibration,
    specialDayScale: specialScale(z, special, season),
    recentScale: recentScale(z, origins, horizon, n - season),
    nearHoliday: learnNearHolidayWeight(series.startMs, stepMs, y, cfg.holidays),
    selection: scored.map((s) => ({ method: s.c.method, mae: s.mae })),
  };
}

/** The whole history a fit window was cut from, for the yearly candidate: `offset` is where the window starts in it. */
export interface YearHistory {
  values: Float64Array;
  offset: number;
}

/** Grid step of the combination weights. */
const WEIGHT_STEP = 0.05;

/**
 * Weights on the simplex (a grid of WEIGHT_STEP) that minimize the held-out squared error of the weighted forecast:
 * from the Gram matrix of the candidates' errors, so each grid point costs p² operations, not a pass over the origins.
 */
function combinationWeights(y: Float64Array, origins: number[], horizon: number, parts: Float64Array[]): number[] {
  const p = parts.length;
  const gram = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let k = 0; k < origins.length; k++) {
    for (let h = 0; h < horizon; h++) {
      const i = k * horizon + h;
      const a = y[origins[k] + h];
      let ok = a === a;
      for (let j = 0; j < p && ok; j++) {
        e[j] = a - parts[j][i];
        ok = e[j] === e[j];
      }
      if (!ok) continue;
      for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) gram[r * p + c] += e[r] * e[c];
    }
  }
  const units = Math.round(1 / WEIGHT_STEP);
  const w = new Array<number>(p).fill(0);
  let best = Infinity;
  let bestW = w.slice();
  const visit = (j: number, left: number): void => {
    if (j === p - 1) {
      w[j] = left * WEIGHT_STEP;
      let s = 0;
      for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) s += w[r] * w[c] * gram[r * p + c];
      if (s < best) {
        best = s;
        bestW = w.slice();
      }
      return;
    }
    for (let u = 0; u <= left; u++) {
      w[j] = u * WEIGHT_STEP;
      visit(j + 1, left - u);
    }
  };
  visit(0, units);
  return bestW;
}

function heldOutMae(y: Float64Array, origins: number[], horizon: number, forecasts: Float64Array): number {
  let s = 0;
  let c = 0;
  for (let k = 0; k < origins.length; k++) {
    for (let h = 0; h < horizon; h++) {
      const e = Math.abs(y[origins[k] + h] - forecasts[k * horizon + h]);
      if (e === e) {
        s += e;
        c++;
      }
    }
  }
  return c > 0 ? s / c : Infinity;
}

/** Each held-out error's square in units of its calibrated width (NaN where the step had no actual). */
function standardizedSquares(
  residuals: Float64Array,
  cal: IntervalCalibration,
  slots: Uint32Array,
  horizon: number,
): Float64Array {
  const z = new Float64Array(residuals.length);
  for (let i = 0; i < residuals.length; i++) {
    const m = cal.slotScale.length > 0 ? cal.slotScale[slots[i]] : 1;
    z[i] = (residuals[i] / (cal.scale[i % horizon] * m)) ** 2;
  }
  return z;
}

/** RMS of the standardized errors where `pick` holds over that of the rest (`against: 'rest'`) or of all of them. */
function rmsRatio(
  z: Float64Array,
  pick: (i: number) => boolean,
  against: 'rest' | 'all',
): { ratio: number; picked: number; others: number } {
  let sIn = 0;
  let cIn = 0;
  let sOut = 0;
  let cOut = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    if (v !== v) continue;
    if (pick(i)) {
      sIn += v;
      cIn++;
      if (against === 'rest') continue;
    }
    sOut += v;
    cOut++;
  }
  return { ratio: cIn > 0 && sOut > 0 ? Math.sqrt(sIn / cIn / (sOut / cOut)) : NaN, picked: cIn, others: cOut };
}

/**
 * How much wider special days' errors were than the calibrated width predicted (RMS of their standardized errors
 * against everyone else's), at least 1; null with too few special-day errors to tell.
 */
function specialScale(z: Float64Array, special: Uint8Array, season: number): number | null {
  const r = rmsRatio(z, (i) => special[i] === 1, 'rest');
  if (r.picked < MIN_SPECIAL_RESIDUALS_DAYS * season || r.others === 0) return null;
  return Math.max(1, r.ratio || 0);
}

/** RMS of standardized held-out errors on steps from `fromStep` on, over that of all of them; at least 1, at most 3. */
function recentScale(z: Float64Array, origins: number[], horizon: number, fromStep: number): number {
  const r = rmsRatio(z, (i) => origins[Math.floor(i / horizon)] + (i % horizon) >= fromStep, 'all');
  return r.picked === 0 || !(r.ratio === r.ratio) ? 1 : Math.min(3, Math.max(1, r.ratio));
}

/** Point forecast of the chosen method; `holidays` overrides the fitted calendar (to forecast a special day as an ordinary one). */
export function seriesPoint(
  model: SeriesModel,
  horizon: number,
  exogFuture?: ArrayLike<number>[],
  holidays: number[] = model.holidays,
): Float64Array {
  const arxModel = (): SeasonalArxModel =>
    holidays === model.holidays ? model.arx : { ...model.arx, config: { ...model.arx.config, holidays } };
  switch (model.method) {
    case 'seasonal-arx':
      return forecastSeasonalArx(arxModel(), horizon, exogFuture);
    case 'decomposition':
      return forecastDecomposition(model.decomposition!, horizon, holidays);
    case 'combination': {
      const out = new Float64Array(horizon);
      (model.combined ?? COMBINED).forEach((m, j) => {
        const w = model.weights![j];
        if (w === 0) return;
        const part = seriesPoint({ ...model, method: m }, horizon, exogFuture, holidays);
        for (let h = 0; h < horizon; h++) out[h] += w * part[h];
      });
      return out;
    }
    case 'yearly-naive': {
      const out = new Float64Array(horizon);
      yearlyPoint(model.yearTail!, YEAR_DAYS * model.season, 7 * model.season, horizon, out, 0);
      return out;
    }
    case 'weekly-naive':
    case 'seasonal-naive': {
      const out = new Float64Array(horizon);
      naivePoint(model.tail, model.method === 'weekly-naive' ? 7 * model.season : model.season, horizon, out, 0);
      return out;
    }
  }
}

/** The model moved over observations after its fit, without refitting (every part keeps its own tail). */
export function appendSeriesModel(model: SeriesModel, values: ArrayLike<number>): SeriesModel {
  return {
    ...model,
    arx: appendSeasonalArx(model.arx, values),
    decomposition: model.decomposition ? appendDecomposition(model.decomposition, values) : null,
    tail: [...model.tail, ...Array.from(values)].slice(-model.tail.length),
    ...(model.yearTail ? { yearTail: [...model.yearTail, ...Array.from(values)].slice(-model.yearTail.length) } : {}),
    endMs: model.endMs + values.length * model.stepMs,
  };
}
