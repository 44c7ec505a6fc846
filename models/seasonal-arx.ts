// Seasonal ARX regression: Fourier seasonality, calendar, exogenous regressors and recent lags, forecast recursively.
import { inputError } from '../src/errors.js';
import { DAY_MS, dayNumber, weekday } from './calendar.js';
import { calibrateIntervals, type IntervalCalibration } from './intervals.js';
import { accumulateRows, emptyNormalEquations, solveRidge } from './linalg.js';
import { assertFinite } from './validate.js';

export interface SeasonalArxConfig {
  /** Sampling step in milliseconds. */
  stepMs: number;
  /** Steps per primary season (48 for a daily season at 30 min). */
  season: number;
  /** Harmonics of the primary season. */
  fourierOrder: number;
  /** Weekday levels, weekend/holiday daily shape and holidays; only meaningful when season × step is one day. */
  calendar: boolean;
  /** Harmonics of the separate Saturday and Sunday/holiday daily shapes. */
  weekendOrder: number;
  /** Lags in steps; lags shorter than the horizon are fed with the model's own forecasts. */
  lags: number[];
  /** Window (steps) of a rolling-mean level feature over the most recent values; 0 for none. It carries a persistent
   * level (weather, occupancy) across a long horizon, where the one-step lags fade out of a recursive forecast. */
  levelWindow: number;
  /** Names of exogenous regressor columns (future values must be supplied to forecast). */
  exogNames: string[];
  /** Holiday day numbers (days since 1970-01-01 UTC); treated like Sundays plus their own level. */
  holidays: number[];
  /** Relative ridge penalty. */
  lambda: number;
  /** Lower bound of the series (0 for loads and counts), or null. */
  min: number | null;
}

/** A fitted model: plain JSON, restorable with no other state. */
export interface SeasonalArxModel {
  kind: 'seasonal-arx';
  version: 1;
  config: SeasonalArxConfig;
  beta: number[];
  /** Time of the last observation the model was fitted on. */
  endMs: number;
  /** The last max(lags, levelWindow) observations, oldest first, to forecast from the end of the fit. */
  tail: number[];
  calibration: IntervalCalibration;
}

export interface RegularSeries {
  startMs: number;
  stepMs: number;
  values: Float64Array;
  /** One column per `config.exogNames`, at least as long as `values`. */
  exog?: Float64Array[];
}

interface Layout {
  p: number;
  lagStart: number;
  table: Float64Array;
  holidaySet: Set<number>;
  changeLagCol: number;
  seasonLagIndex: number;
  levelCol: number;
}

function layout(cfg: SeasonalArxConfig): Layout {
  const k = Math.min(cfg.fourierOrder, Math.floor(cfg.season / 2));
  const table = new Float64Array(cfg.season * 2 * k);
  for (let s = 0; s < cfg.season; s++) {
    for (let h = 1; h <= k; h++) {
      const a = (2 * Math.PI * h * s) / cfg.season;
      table[s * 2 * k + 2 * (h - 1)] = Math.cos(a);
      table[s * 2 * k + 2 * (h - 1) + 1] = Math.sin(a);
    }
  }
  let p = 1 + 2 * k;
  if (cfg.calendar) p += 6 + 1 + 2 * 2 * Math.min(cfg.weekendOrder, k);
  p += cfg.exogNames.length;
  const seasonLagIndex = cfg.calendar ? cfg.lags.indexOf(cfg.season) : -1;
  const changeLagCol = seasonLagIndex >= 0 ? p++ : -1;
  const levelCol = cfg.levelWindow > 0 ? p++ : -1;
  return {
    p: p + cfg.lags.length,
    lagStart: p,
    table,
    holidaySet: new Set(cfg.holidays),
    changeLagCol,
    seasonLagIndex,
    levelCol,
  };
}

/** Position of the step at `ms` in the primary season (time of day for a daily season). */
export function seasonSlot(ms: number, cfg: Pick<SeasonalArxConfig, 'stepMs' | 'season'>): number {
  return ((Math.round(ms / cfg.stepMs) % cfg.season) + cfg.season) % cfg.season;
}

/** The kind of day for the calendar features: 0 Sunday or holiday, 1–5 weekdays, 6 Saturday. */
function dayKind(ms: number, holidays: Set<number>): number {
  return holidays.has(dayNumber(ms)) ? 0 : weekday(ms);
}

/** Writes the non-lag features of the step at time `ms` into `out` at `off`; returns false when an exog value is missing. */
function writeFeatures(
  cfg: SeasonalArxConfig,
  lay: Layout,
  ms: number,
  exog: ArrayLike<number>[] | undefined,
  t: number,
  out: Float64Array,
  off: number,
): boolean {
  const k = Math.min(cfg.fourierOrder, Math.floor(cfg.season / 2));
  const slot = seasonSlot(ms, cfg);
  const tb = slot * 2 * k;
  let c = off;
  out[c++] = 1;
  for (let j = 0; j < 2 * k; j++) out[c++] = lay.table[tb + j];
  if (cfg.calendar) {
    const kind = dayKind(ms, lay.holidaySet);
    for (let d = 1; d <= 6; d++) out[c++] = kind === d ? 1 : 0;
    out[c++] = lay.holidaySet.has(dayNumber(ms)) ? 1 : 0;
    const kw = Math.min(cfg.weekendOrder, k);
    const sat = kind === 6 ? 1 : 0;
    const sun = kind === 0 ? 1 : 0;
    for (let j = 0; j < 2 * kw; j++) out[c++] = sat * lay.table[tb + j];
    for (let j = 0; j < 2 * kw; j++) out[c++] = sun * lay.table[tb + j];
  }
  for (let e = 0; e < cfg.exogNames.length; e++) {
    const v = exog ? exog[e][t] : NaN;
    if (!Number.isFinite(v)) return false;
    out[c++] = v;
  }
  return true;
}

/** The lag features of step `t`, reading values through `at` (actuals or forecasts). */
function writeLags(
  cfg: SeasonalArxConfig,
  lay: Layout,
  ms: number,
  at: (i: number) => number,
  t: number,
  out: Float64Array,
  off: number,
): void {
  for (let l = 0; l < cfg.lags.length; l++) out[off + lay.lagStart + l] = at(t - cfg.lags[l]);
  if (lay.changeLagCol >= 0) {
    // Yesterday is a poor guide when the day kind changes (Monday, Saturday, around holidays).
    const changed = dayKind(ms, lay.holidaySet) !== dayKind(ms - DAY_MS, lay.holidaySet);
    out[off + lay.changeLagCol] = changed ? out[off + lay.lagStart + lay.seasonLagIndex] : 0;
  }
  if (lay.levelCol >= 0) {
    let s = 0;
    for (let i = 1; i <= cfg.levelWindow; i++) s += at(t - i);
    out[off + lay.levelCol] = s / cfg.levelWindow;
  }
}

function maxLagOf(cfg: SeasonalArxConfig): number {
  return Math.max(...cfg.lags, cfg.levelWindow, 0);
}

export function minimumHistory(cfg: SeasonalArxConfig, horizon: number): number {
  return maxLagOf(cfg) + 3 * (horizon + 10);
}

/** Refits of the calibration model across the held-out tail. */
const CALIBRATION_REFITS = 8;

/**
 * Rolling-origin forecasts over the held-out tail of a fit: `forecasts` is origins × horizon, row-major; origin `k`
 * forecasts steps `origins[k]` … `origins[k] + horizon − 1` from a model fitted on the steps before `fittedTo[k]`.
 */
export interface HeldOutForecasts {
  origins: number[];
  fittedTo: number[];
  forecasts: Float64Array;
}

/** Fits on the whole series; intervals are calibrated by rolling-origin forecasts over a held-out tail first. */
export function fitSeasonalArx(series: RegularSeries, cfg: SeasonalArxConfig, horizon: number): SeasonalArxModel {
  return fitSeasonalArxHeldOut(series, cfg, horizon).model;
}

/** `fitSeasonalArx` with its held-out forecasts, so other candidates can be scored at the same origins. */
export function fitSeasonalArxHeldOut(
  series: RegularSeries,
  cfg: SeasonalArxConfig,
  horizon: number,
): { model: SeasonalArxModel; heldOut: HeldOutForecasts } {
  const lay = layout(cfg);
  const { p } = lay;
  const y = series.values;
  const n = y.length;
  const maxLag = maxLagOf(cfg);
  if (n < minimumHistory(cfg, horizon)) {
    throw inputError(
      `need at least ${minimumHistory(cfg, horizon)} observations for season ${cfg.season} and horizon ${horizon}, got ${n}`,
      { field: 'values', required: minimumHistory(cfg, horizon), got: n },
    );
  }
  assertFinite(y, 'values');
  series.exog?.forEach((col, e) => assertFinite(col.subarray(0, n), cfg.exogNames[e] ?? `exog ${e}`));
  const x = new Float64Array(n * p);
  const target = new Float64Array(n);
  const at = (i: number): number => y[i];
  for (let t = 0; t < n; t++) {
    const ms = series.startMs + t * cfg.stepMs;
    const ok = t >= maxLag && writeFeatures(cfg, lay, ms, series.exog, t, x, t * p);
    if (ok) writeLags(cfg, lay, ms, at, t, x, t * p);
    target[t] = ok && Number.isFinite(y[t]) ? y[t] : NaN;
  }
  const usable = n - maxLag;
  // Six weeks held out (half of a 12-week fit): the interval quantiles and the choice among candidates both come
  // from these errors, and with four weeks a few bad days moved them by several points of coverage.
  const hold = Math.min(Math.floor(usable / 2), Math.max(4 * horizon, 42 * cfg.season));
  const ne = emptyNormalEquations(p);
  const firstOrigin = n - hold;
  accumulateRows(ne, x, target, maxLag, firstOrigin);
  const lastOrigin = n - horizon;
  const stride = Math.max(1, Math.ceil((lastOrigin - firstOrigin + 1) / 150));
  const origins = Math.floor((lastOrigin - firstOrigin) / stride) + 1;
  const residuals = new Float64Array(origins * horizon).fill(NaN);
  const forecasts = new Float64Array(origins * horizon).fill(NaN);
  const heldOut: HeldOutForecasts = { origins: [], fittedTo: [], forecasts };
  const slots = new Uint32Array(origins * horizon);
  const path = new Float64Array(maxLag + horizon);
  const row = new Float64Array(p);
  // The calibration model grows with the origins (refitted at a few points, on all rows before each origin):
  // one model fitted before the whole tail would be older and smaller than the final fit, and its wider
  // errors would make every interval too wide.
  let fittedTo = firstOrigin;
  let betaCal = solveRidge(ne, cfg.lambda);
  const refitEvery = Math.max(horizon, Math.ceil(hold / CALIBRATION_REFITS));
  for (let oi = 0; oi < origins; oi++) {
    const o = firstOrigin + oi * stride;
    if (o - fittedTo >= refitEvery) {
      accumulateRows(ne, x, target, fittedTo, o);
      fittedTo = o;
      betaCal = solveRidge(ne, cfg.lambda);
    }
    heldOut.origins.push(o);
    heldOut.fittedTo.push(fittedTo);
    for (let i = 0; i < maxLag; i++) path[i] = y[o - maxLag + i];
    const pathAt = (i: number): number => path[i - o + maxLag];
    for (let h = 0; h < horizon; h++) {
      const t = o + h;
      const ms = series.startMs + t * cfg.stepMs;
      const ok = writeFeatures(cfg, lay, ms, series.exog, t, row, 0);
      writeLags(cfg, lay, ms, pathAt, t, row, 0);
      const f = ok ? predictRow(betaCal, row, cfg.min) : NaN;
      path[maxLag + h] = f;
      forecasts[oi * horizon + h] = f;
      residuals[oi * horizon + h] = y[t] - f;
      slots[oi * horizon + h] = seasonSlot(ms, cfg);
    }
  }
  accumulateRows(ne, x, target, fittedTo, n);
  const beta = solveRidge(ne, cfg.lambda);
  const model: SeasonalArxModel = {
    kind: 'seasonal-arx',
    version: 1,
    config: cfg,
    beta: Array.from(beta),
    endMs: series.startMs + (n - 1) * cfg.stepMs,
    tail: Array.from(y.subarray(n - maxLag)),
    calibration: calibrateIntervals(residuals, horizon, slots, cfg.season),
  };
  return { model, heldOut };
}

function predictRow(beta: ArrayLike<number>, row: Float64Array, min: number | null): number {
  let s = 0;
  for (let j = 0; j < row.length; j++) s += beta[j] * row[j];
  return min !== null && s < min ? min : s;
}

/**
 * Forecasts `horizon` steps after the model's last observation. `exogFuture` holds one array per exog
 * column with the regressor values of the forecast steps.
 */
export function forecastSeasonalArx(
  model: SeasonalArxModel,
  horizon: number,
  exogFuture?: ArrayLike<number>[],
): Float64Array {
  const cfg = model.config;
  const lay = layout(cfg);
  const maxLag = model.tail.length;
  if (cfg.exogNames.length > 0) {
    cfg.exogNames.forEach((name, e) => {
      const col = exogFuture?.[e];
      if (!col || col.length < horizon) {
        throw inputError(`regressor "${name}" needs values for all ${horizon} forecast steps`, {
          field: name,
          required: horizon,
          got: col?.length ?? 0,
        });
      }
    });
  }
  const path = new Float64Array(maxLag + horizon);
  path.set(model.tail);
  const row = new Float64Array(lay.p);
  const out = new Float64Array(horizon);
  const pathAt = (i: number): number => path[i + maxLag];
  for (let h = 0; h < horizon; h++) {
    const ms = model.endMs + (h + 1) * cfg.stepMs;
    if (!writeFeatures(cfg, lay, ms, exogFuture as ArrayLike<number>[] | undefined, h, row, 0)) {
      throw inputError(`regressor value missing or not a number at forecast step ${h + 1}`, { step: h + 1 });
    }
    writeLags(cfg, lay, ms, pathAt, h, row, 0);
    out[h] = predictRow(model.beta, row, cfg.min);
    path[maxLag + h] = out[h];
  }
  return out;
}

/**
 * The model moved forward over observations that arrived after its fit (stream window results), without
 * refitting: forecasts then start after the newest value. `values` must follow `endMs` at the model's step.
 */
export function appendSeasonalArx(model: SeasonalArxModel, values: ArrayLike<number>): SeasonalArxModel {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw inputError(`appended value ${i} is not a finite number`, { field: 'values', index: i });
  }
  const tail = [...model.tail, ...Array.from(values)].slice(-model.tail.length);
  return { ...model, tail, endMs: model.endMs + values.length * model.config.stepMs };
}
