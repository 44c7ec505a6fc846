// Bin fill level: per-bin fill rate with trend and weekday pattern, fitted within fill cycles between collections.
import { inputError } from '../src/errors.js';
import { DAY_MS, weekday } from './calendar.js';
import { applyIntervals, calibrateIntervals, type Bands, type IntervalCalibration } from './intervals.js';
import { accumulateRows, emptyNormalEquations, solveRidge } from './linalg.js';
import { assertFinite } from './validate.js';

export interface BinFillInput {
  startMs: number;
  stepMs: number;
  /** Fill level in percent (0–100), one value per step. */
  levels: Float64Array;
}

export interface BinFillOptions {
  /** A step that falls by at least this many points … */
  collectionDrop: number;
  /** … to at most this level is a collection (the bin was emptied). */
  emptyLevel: number;
}

export const DEFAULT_BIN_OPTIONS: BinFillOptions = { collectionDrop: 25, emptyLevel: 20 };

export interface BinFillModel {
  kind: 'bin-fill';
  version: 1;
  stepMs: number;
  options: BinFillOptions;
  /** Fill-rate regression (points per step): intercept, trend per day, weekday effects, time-of-day harmonics. */
  beta: number[];
  /** Origin of the trend term (the first reading); forecasts extrapolate the same line. */
  startMs: number;
  endMs: number;
  lastLevel: number;
  /** Collections found in the history (epoch ms of the first step after emptying). */
  collections: number[];
  calibration: IntervalCalibration;
}

export interface BinFillForecast extends Bands {
  timestamps: number[];
  level: number[];
  /** When the point forecast reaches the threshold (epoch ms), searched up to `searchSteps`; null if never. */
  thresholdAtMs: number | null;
  /** When the upper 80% band reaches the threshold within the horizon: the cautious date for routing; null if not. */
  thresholdEarliestMs: number | null;
}

const HARMONICS = 2;
const P = 2 + 6 + 2 * HARMONICS;

function writeRow(ms: number, startMs: number, stepMs: number, out: Float64Array, off: number): void {
  out[off] = 1;
  out[off + 1] = (ms - startMs) / DAY_MS;
  const wd = weekday(ms);
  for (let d = 1; d <= 6; d++) out[off + 1 + d] = wd === d ? 1 : 0;
  const daily = stepMs < DAY_MS;
  const phase = (2 * Math.PI * (((ms % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
  for (let h = 1; h <= HARMONICS; h++) {
    out[off + 6 + 2 * h] = daily ? Math.cos(h * phase) : 0;
    out[off + 7 + 2 * h] = daily ? Math.sin(h * phase) : 0;
  }
}

function rate(beta: ArrayLike<number>, x: Float64Array, off: number): number {
  let s = 0;
  for (let j = 0; j < P; j++) s += beta[j] * x[off + j];
  return s > 0 ? s : 0;
}

/** Marks steps that are collections: the level before minus the level now ≥ drop, and the level now ≤ empty. */
export function detectCollections(
  levels: ArrayLike<number>,
  options: BinFillOptions = DEFAULT_BIN_OPTIONS,
): Uint8Array {
  const out = new Uint8Array(levels.length);
  for (let t = 1; t < levels.length; t++) {
    if (levels[t - 1] - levels[t] >= options.collectionDrop && levels[t] <= options.emptyLevel) out[t] = 1;
  }
  return out;
}

/** The longest horizon (at most `max`) `fitBinFill` calibrates on `length` readings; 0 when it cannot fit. */
export function binCalibratableHorizon(length: number, max: number): number {
  return Math.max(0, Math.min(max, Math.floor(length / 3) - 10));
}

/**
 * The target is the per-step increment; increments across a collection or at a full bin (≥ 99%) are left
 * out, so emptying is recognized as an event and never read as a negative fill rate.
 */
export function fitBinFill(
  input: BinFillInput,
  horizon: number,
  options: BinFillOptions = DEFAULT_BIN_OPTIONS,
): BinFillModel {
  const y = input.levels;
  const n = y.length;
  const minimum = 3 * (horizon + 10);
  if (n < minimum)
    throw inputError(`bin history has ${n} readings; horizon ${horizon} needs at least ${minimum}`, {
      field: 'levels',
      required: minimum,
      got: n,
    });
  assertFinite(y, 'levels');
  const coll = detectCollections(y, options);
  const x = new Float64Array(n * P);
  const inc = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    writeRow(input.startMs + t * input.stepMs, input.startMs, input.stepMs, x, t * P);
    if (!coll[t] && y[t - 1] < 99 && Number.isFinite(y[t]) && Number.isFinite(y[t - 1])) inc[t] = y[t] - y[t - 1];
  }
  const hold = Math.floor(n / 3);
  const ne = emptyNormalEquations(P);
  accumulateRows(ne, x, inc, 1, n - hold);
  const betaCal = solveRidge(ne, 1e-3);
  const first = n - hold;
  const last = n - 1;
  const stride = Math.max(1, Math.ceil((last - first) / 150));
  const origins = Math.floor((last - first) / stride) + 1;
  const residuals = new Float64Array(origins * horizon).fill(NaN);
  for (let oi = 0; oi < origins; oi++) {
    const o = first + oi * stride;
    let level = y[o];
    for (let h = 0; h < horizon && o + h + 1 < n; h++) {
      const t = o + h + 1;
      if (coll[t]) break;
      level = Math.min(100, level + rate(betaCal, x, t * P));
      residuals[oi * horizon + h] = y[t] - level;
    }
  }
  accumulateRows(ne, x, inc, n - hold, n);
  const beta = solveRidge(ne, 1e-3);
  const collections: number[] = [];
  for (let t = 0; t < n; t++) if (coll[t]) collections.push(input.startMs + t * input.stepMs);
  return {
    kind: 'bin-fill',
    version: 1,
    stepMs: input.stepMs,
    options,
    beta: Array.from(beta),
    startMs: input.startMs,
    endMs: input.startMs + (n - 1) * input.stepMs,
    lastLevel: y[n - 1],
    collections,
    calibration: calibrateIntervals(residuals, horizon),
  };
}

/** Level over the horizon if the bin is not collected, and when it reaches `threshold` percent. */
export function forecastBinFill(
  model: BinFillModel,
  horizon: number,
  threshold = 80,
  searchSteps = 14 * Math.round(DAY_MS / model.stepMs),
): BinFillForecast {
  const row = new Float64Array(P);
  const timestamps: number[] = new Array(horizon);
  const level: number[] = new Array(horizon);
  let cur = model.lastLevel;
  let thresholdAtMs: number | null = cur >= threshold ? model.endMs : null;
  for (let h = 0; h < Math.max(horizon, thresholdAtMs === null ? searchSteps : 0); h++) {
    const ms = model.endMs + (h + 1) * model.stepMs;
    writeRow(ms, model.startMs, model.stepMs, row, 0);
    const next = Math.min(100, cur + rate(model.beta, row, 0));
    if (thresholdAtMs === null && next >= threshold)
      thresholdAtMs = ms - model.stepMs * ((next - threshold) / Math.max(next - cur, 1e-12));
    cur = next;
    if (h < horizon) {
      timestamps[h] = ms;
      level[h] = next;
    }
  }
  const bands = applyIntervals(level, model.calibration, 0, 100);
  let thresholdEarliestMs: number | null = model.lastLevel >= threshold ? model.endMs : null;
  for (let h = 0; h < horizon && thresholdEarliestMs === null; h++)
    if (bands.upper80[h] >= threshold) thresholdEarliestMs = timestamps[h];
  return { timestamps, level, ...bands, thresholdAtMs, thresholdEarliestMs };
}

/** The model moved forward over readings that arrived after its fit, without refitting (collections included). */
export function appendBinFill(model: BinFillModel, levels: ArrayLike<number>): BinFillModel {
  if (levels.length === 0) return model;
  const all = [model.lastLevel, ...Array.from(levels)];
  const hits = detectCollections(all, model.options);
  const collections = [...model.collections];
  hits.forEach((c, i) => c && collections.push(model.endMs + i * model.stepMs));
  const last = all[all.length - 1];
  if (!Number.isFinite(last)) throw inputError('appended bin level is not a finite number', { field: 'levels' });
  return { ...model, lastLevel: last, endMs: model.endMs + levels.length * model.stepMs, collections };
}
