// Day-and-week decomposition (MSTL-like): smoothed daily and weekly profiles, a trend, and an autoregression of the rest.
import { addToBucket, emptyBucketSums } from './bucket-sums.js';
import { dayNumber, weekday } from './calendar.js';
import { accumulateRows, emptyNormalEquations, solveRidge } from './linalg.js';

export interface DecompositionConfig {
  stepMs: number;
  /** Steps per day. */
  season: number;
  /** Holiday day numbers: their steps take the Sunday phase of the weekly profile. */
  holidays: number[];
  min: number | null;
}

/** A fitted decomposition: profiles and the remainder autoregression; forecasts start after `tail`. */
export interface DecompositionModel {
  kind: 'decomposition';
  version: 1;
  config: DecompositionConfig;
  /** Daily profile by time of day (mean 0). */
  daily: number[];
  /** Weekly profile by day kind (0 Sunday or holiday … 6 Saturday) × time of day, on top of the daily one (mean 0). */
  weekly: number[];
  /** Lags (steps) of the seasonally adjusted series and their coefficients after the intercept. */
  lags: number[];
  coef: number[];
  endMs: number;
  /** The last max(lags) observations, oldest first. */
  tail: number[];
}

/** Half-lives, in cycles, of the profiles' exponential weights: the daily shape follows the season's light within weeks. */
const DAILY_HALF_LIFE_DAYS = 5;
const WEEKLY_HALF_LIFE_WEEKS = 2;
const ITERATIONS = 2;

export function decompositionMinimumHistory(season: number): number {
  return 14 * season;
}

/**
 * Lags of the remainder autoregression. `classical`: 1, 2, 3 and a day, the textbook MSTL + AR that serves as the
 * backtest's decomposition baseline (on the England and Wales series it scores what statsmodels' MSTL + ARIMA does).
 * `neighbours`: also the steps either side of a day and a week back and the week itself, so a remainder that
 * recurs at the same time a day or a week later (a warm spell, a shift of the evening peak) carries over; with
 * the day lag alone the recursion decays to the profile within hours.
 */
export function remainderLags(season: number, kind: 'classical' | 'neighbours'): number[] {
  const near = (c: number): number[] => [c - 1, c, c + 1];
  const lags = kind === 'classical' ? [1, 2, 3, season] : [1, 2, 3, ...near(season), ...near(7 * season)];
  return [...new Set(lags.filter((l) => l >= 1))].sort((a, b) => a - b);
}

function dayKind(ms: number, holidays: Set<number>): number {
  return holidays.has(dayNumber(ms)) ? 0 : weekday(ms);
}

function slotOf(ms: number, cfg: DecompositionConfig): number {
  return ((Math.round(ms / cfg.stepMs) % cfg.season) + cfg.season) % cfg.season;
}

/** The profile's value at `ms`. */
function seasonalAt(
  model: Pick<DecompositionModel, 'daily' | 'weekly' | 'config'>,
  ms: number,
  holidays: Set<number>,
): number {
  const slot = slotOf(ms, model.config);
  return model.daily[slot] + model.weekly[dayKind(ms, holidays) * model.config.season + slot];
}

/**
 * Centered moving average over `window` steps (the ends use the nearest full window). The window is a week: a
 * shorter one would follow each day's level and leave the weekday effects in the trend instead of the profile.
 */
function movingTrend(z: Float64Array, window: number): Float64Array {
  const n = z.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + z[i];
  const out = new Float64Array(n);
  const w = Math.min(window, n);
  const half = Math.floor(w / 2);
  for (let t = 0; t < n; t++) {
    const from = Math.min(Math.max(0, t - half), n - w);
    out[t] = (prefix[from + w] - prefix[from]) / w;
  }
  return out;
}

/** Exponentially weighted mean of `d` per phase (newest cycles weigh most), centred to mean 0. */
function profile(
  d: Float64Array,
  phaseOf: Int32Array,
  phases: number,
  ageCycles: Float64Array,
  halfLife: number,
): number[] {
  const byPhase = emptyBucketSums(phases);
  for (let t = 0; t < d.length; t++) addToBucket(byPhase, phaseOf[t], d[t], Math.pow(0.5, ageCycles[t] / halfLife));
  const { sum, weight } = byPhase;
  const out = Array.from(sum, (s, k) => (weight[k] > 0 ? s / weight[k] : 0));
  const mean = out.reduce((a, b) => a + b, 0) / phases;
  return out.map((v) => v - mean);
}

/**
 * Profiles by iterated smoothing: the daily profile of the detrended series less the weekly one, then the weekly
 * profile of what the daily one leaves, twice. The seasonally adjusted series follows an AR on `remainderLags`,
 * fitted by least squares, which carries weather-like level swings over the horizon. Without the week lags'
 * history (a week and a day plus a week of rows) the neighbours' lags stop at the day.
 */
export function fitDecomposition(
  startMs: number,
  values: Float64Array,
  cfg: DecompositionConfig,
  lagKind: 'classical' | 'neighbours' = 'neighbours',
): DecompositionModel {
  const n = values.length;
  const { season } = cfg;
  const holidays = new Set(cfg.holidays);
  const daySlot = new Int32Array(n);
  const weekPhase = new Int32Array(n);
  const ageDays = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const ms = startMs + t * cfg.stepMs;
    daySlot[t] = slotOf(ms, cfg);
    weekPhase[t] = dayKind(ms, holidays) * season + daySlot[t];
    ageDays[t] = (n - 1 - t) / season;
  }
  const ageWeeks = ageDays.map((a) => a / 7);
  let daily: number[] = new Array(season).fill(0);
  let weekly: number[] = new Array(7 * season).fill(0);
  const z = new Float64Array(n);
  const d = new Float64Array(n);
  for (let it = 0; it < ITERATIONS; it++) {
    for (let t = 0; t < n; t++) z[t] = values[t] - daily[daySlot[t]] - weekly[weekPhase[t]];
    const trend = movingTrend(z, 7 * season);
    for (let t = 0; t < n; t++) d[t] = values[t] - trend[t] - weekly[weekPhase[t]];
    daily = profile(d, daySlot, season, ageDays, DAILY_HALF_LIFE_DAYS);
    for (let t = 0; t < n; t++) d[t] = values[t] - trend[t] - daily[daySlot[t]];
    weekly = profile(d, weekPhase, 7 * season, ageWeeks, WEEKLY_HALF_LIFE_WEEKS);
  }
  const lags = remainderLags(season, lagKind).filter((l) => l <= n - 7 * season);
  const maxLag = lags[lags.length - 1];
  for (let t = 0; t < n; t++) z[t] = values[t] - daily[daySlot[t]] - weekly[weekPhase[t]];
  const p = lags.length + 1;
  const x = new Float64Array(n * p);
  const target = new Float64Array(n).fill(NaN);
  for (let t = maxLag; t < n; t++) {
    x[t * p] = 1;
    for (let l = 0; l < lags.length; l++) x[t * p + 1 + l] = z[t - lags[l]];
    target[t] = z[t];
  }
  const ne = emptyNormalEquations(p);
  accumulateRows(ne, x, target, maxLag, n);
  const coef = Array.from(solveRidge(ne, 1e-6));
  return {
    kind: 'decomposition',
    version: 1,
    config: cfg,
    daily,
    weekly,
    lags,
    coef: coef.map((c) => (Number.isFinite(c) ? c : 0)),
    endMs: startMs + (n - 1) * cfg.stepMs,
    tail: Array.from(values.subarray(n - maxLag)),
  };
}

/** Point forecast for `horizon` steps after the model's last observation (`holidays` overrides the fitted calendar). */
export function forecastDecomposition(
  model: DecompositionModel,
  horizon: number,
  holidays: readonly number[] = model.config.holidays,
): Float64Array {
  return forecastDecompositionAfter(model, model.tail, model.endMs, horizon, holidays);
}

/**
 * Point forecast after `recent` (at least max(lags) observations, the last one at `endMs`) with the model's
 * profiles and AR: the held-out origins reuse one fit without copying a tail per origin.
 */
export function forecastDecompositionAfter(
  model: DecompositionModel,
  recent: ArrayLike<number>,
  endMs: number,
  horizon: number,
  holidays: readonly number[] = model.config.holidays,
): Float64Array {
  const set = new Set(holidays);
  const cfg = model.config;
  const m = Math.max(...model.lags);
  const off = recent.length - m;
  const z = new Float64Array(m + horizon);
  for (let i = 0; i < m; i++) z[i] = recent[off + i] - seasonalAt(model, endMs - (m - 1 - i) * cfg.stepMs, set);
  const out = new Float64Array(horizon);
  const min = cfg.min ?? -Infinity;
  for (let h = 0; h < horizon; h++) {
    let s = model.coef[0];
    for (let l = 0; l < model.lags.length; l++) s += model.coef[l + 1] * z[m + h - model.lags[l]];
    z[m + h] = s;
    const f = s + seasonalAt(model, endMs + (h + 1) * cfg.stepMs, set);
    out[h] = f < min ? min : f;
  }
  return out;
}

/** The model moved over observations after its fit, without refitting. */
export function appendDecomposition(model: DecompositionModel, values: ArrayLike<number>): DecompositionModel {
  const tail = [...model.tail, ...Array.from(values)].slice(-model.tail.length);
  return { ...model, tail, endMs: model.endMs + values.length * model.config.stepMs };
}
