// Answers a forecast query for one series from its history and fitted model: ready, cold-start fallback, or not ready.
import { inputError } from '../../errors.js';
import { seasonalNaive } from '../../../models/index.js';
import { FILL_RATE_MIN_STEPS, NAIVE_MIN_RESIDUALS, fillRatePath } from './fallback.js';
import { requiredSteps, usableRange } from './fit-task.js';
import { fillGaps } from './gaps.js';
import type { SeriesHistory } from './history.js';
import { advanceModel, forecastPath, modelMethod, type ModelRecord, type PathForecast } from './online.js';
import type { ForecastAnswer, ForecastReady } from './schemas.js';
import type { ResolvedKind } from './series-kinds.js';

export interface AnswerInput {
  kind: ResolvedKind;
  id: string;
  history: SeriesHistory;
  record: ModelRecord | undefined;
  nowMs: number;
  fromMs: number;
  horizonMs: number;
  /** Bins: the collection threshold in percent. */
  thresholdPercent?: number;
}

/** Usable steps the first (fallback) forecast of a kind needs. */
export function fallbackRequired(kind: ResolvedKind): number {
  return kind.kind === 'bin' ? FILL_RATE_MIN_STEPS : kind.season + NAIVE_MIN_RESIDUALS;
}

function hours(ms: number): string {
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}

/** A window length as people say it: "5-minute", "30-minute", "1-hour", "1.5-hour". */
export function windowLength(ms: number): string {
  return ms < 3_600_000
    ? `${Math.round((ms / 60_000) * 10) / 10}-minute`
    : `${Math.round((ms / 3_600_000) * 10) / 10}-hour`;
}

export function answerForecast(a: AnswerInput): ForecastAnswer {
  const { kind, id, history } = a;
  const idxMs = (idx: number): number => idx * kind.stepMs + kind.phaseMs;
  const notReady = (observations: number, required: number, reason: string): ForecastAnswer => ({
    status: 'not-ready',
    kind: kind.kind,
    id,
    observations,
    required,
    reason,
  });
  if (history.empty)
    return notReady(0, fallbackRequired(kind), `no results yet from operator '${kind.operator}' for this ${kind.kind}`);
  const last = history.lastIdx;
  const lastMs = idxMs(last);
  const age = a.nowMs - (lastMs + kind.stepMs);
  if (age > kind.maxStaleMs) {
    return notReady(
      history.observations,
      fallbackRequired(kind),
      `no observation for ${hours(age)} (the last window started at ${new Date(lastMs).toISOString()}); forecasts resume when data does`,
    );
  }
  const steps = Math.ceil(a.horizonMs / kind.stepMs);
  const startIdx = Math.max(last + 1, Math.floor((a.fromMs - kind.phaseMs) / kind.stepMs));
  const lead = startIdx - last - 1;
  if (lead + steps > kind.maxLookaheadSteps) {
    throw inputError(
      `the forecast would reach ${hours((lead + steps) * kind.stepMs)} past the last observation; ${kind.kind} forecasts go at most ${hours(kind.maxLookaheadMs)} ahead`,
      { field: 'horizonMs' },
    );
  }
  const threshold = a.thresholdPercent ?? 100;
  let path: PathForecast;
  let info: ForecastReady['model'];
  let method: ForecastReady['method'];
  let requiredForModel: number | undefined;
  let shiftMs = 0;
  const advanced = a.record ? advanceModel(kind, a.record, history) : null;
  if (a.record && advanced) {
    const d = a.record.data;
    path = forecastPath(advanced.model, lead + steps, threshold);
    method = modelMethod(advanced.model);
    shiftMs = d.shiftMs;
    info = {
      fittedAtMs: a.record.fittedAtMs,
      dataFromMs: idxMs(d.fromIdx),
      dataToMs: idxMs(d.toIdx),
      observations: d.observations,
      filledGaps: d.filled + advanced.filled,
      calibratedHorizonSteps: d.horizon,
      appendedSteps: advanced.appended,
    };
  } else {
    const range = usableRange(history)!;
    const need = fallbackRequired(kind);
    if (range.values.length < need) {
      return notReady(
        range.values.length,
        need,
        `cold start: ${range.values.length} of ${need} ${windowLength(kind.stepMs)} windows since the last long gap`,
      );
    }
    const { values, filled } = fillGaps(range.values, kind.gapFill, kind.season);
    path =
      kind.kind === 'bin'
        ? fillRatePath(values, lead + steps, kind.stepMs, lastMs, threshold)
        : seasonalNaive(values, kind.season, lead + steps, Infinity, 0);
    method = kind.kind === 'bin' ? 'fill-rate' : 'seasonal-naive';
    requiredForModel = requiredSteps(kind);
    info = {
      fittedAtMs: null,
      dataFromMs: idxMs(range.fromIdx),
      dataToMs: idxMs(range.toIdx),
      observations: range.values.length - filled,
      filledGaps: filled,
      calibratedHorizonSteps: 0,
      appendedSteps: 0,
    };
  }
  const cut = (v: number[]): number[] => v.slice(lead, lead + steps);
  const toUtc = (ms: number | null | undefined): number | null =>
    ms === null || ms === undefined ? null : ms - shiftMs;
  const out: ForecastReady = {
    status: a.record && advanced ? 'ready' : 'fallback',
    kind: kind.kind,
    id,
    method,
    unit: kind.unit,
    stepMs: kind.stepMs,
    timestamps: Array.from({ length: steps }, (_, h) => idxMs(startIdx + h)),
    forecast: cut(path.forecast),
    lower80: cut(path.lower80),
    upper80: cut(path.upper80),
    lower95: cut(path.lower95),
    upper95: cut(path.upper95),
    lastObservationMs: lastMs,
    lastValue: history.at(last),
    stale: age > kind.staleAfterMs,
    model: info,
  };
  if (requiredForModel !== undefined) out.requiredForModel = requiredForModel;
  if (kind.kind === 'bin')
    out.threshold = {
      percent: threshold,
      atMs: toUtc(path.thresholdAtMs),
      earliestMs: toUtc(path.thresholdEarliestMs),
    };
  return out;
}
