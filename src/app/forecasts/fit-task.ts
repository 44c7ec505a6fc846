// Refit tasks: the gap-filled recent history of a series in the model's time frame, and the pure fit a worker runs.
import {
  binCalibratableHorizon,
  calibratableHorizon,
  fitBinFill,
  fitFeederLoad,
  fitTrafficFlow,
  type BinFillModel,
  type FeederLoadModel,
  type TrafficFlowModel,
} from '../../../models/index.js';
import { fillGaps } from './gaps.js';
import type { SeriesHistory } from './history.js';
import type { ResolvedKind, SeriesKind } from './series-kinds.js';

export type LiveModel = FeederLoadModel | TrafficFlowModel | BinFillModel;

/**
 * Whether a saved model has the current shape: feeder and lane-group models saved before the series forecaster
 * held a bare seasonal ARX (`arx`), and series models before version 2 a method that no longer exists; both are
 * refitted rather than misread.
 */
export function isCurrentModel(model: LiveModel): boolean {
  const current = (s: { kind?: string; version?: number } | undefined): boolean =>
    s?.kind === 'series' && s.version === 2;
  switch (model.kind) {
    case 'feeder-load':
      return current(model.series);
    case 'traffic-flow':
      return Array.isArray(model.groups) && model.groups.every((g) => current(g.series));
    case 'bin-fill':
      return true;
  }
}

/** Plain data sent to a refit worker (the values buffer is transferred). */
export interface FitTask {
  kind: SeriesKind;
  id: string;
  /** Model time of the first value: UTC plus the city's UTC offset, so days and holidays are local days. */
  startMs: number;
  stepMs: number;
  values: Float64Array;
  horizon: number;
  holidays: string[];
}

export type FitOutcome =
  | {
      kind: SeriesKind;
      id: string;
      ok: true;
      model: LiveModel;
      /** `JSON.stringify(model)`, written in the worker so that saving the model costs the event loop no stringify. */
      modelJson: string;
      fitMs: number;
      threadId: number;
    }
  | { kind: SeriesKind; id: string; ok: false; code: string; message: string; threadId: number };

/** What a fitted model was fitted on, kept beside it. */
export interface FitData {
  /** Step indices of the first and last value fitted. */
  fromIdx: number;
  toIdx: number;
  observations: number;
  filled: number;
  horizon: number;
  /** Model time minus UTC used for the fit. */
  shiftMs: number;
}

/** The part of a history a fit may use: from after its last long gap to its newest step, or null when empty. */
export function usableRange(history: SeriesHistory): { fromIdx: number; toIdx: number; values: Float64Array } | null {
  if (history.empty) return null;
  return {
    fromIdx: history.usableFromIdx,
    toIdx: history.lastIdx,
    values: history.slice(history.usableFromIdx, history.lastIdx),
  };
}

/** The horizon a fit on `length` steps can calibrate, or 0 when it is shorter than the kind's minimum. */
export function fitHorizon(kind: ResolvedKind, length: number): number {
  const h =
    kind.kind === 'bin'
      ? binCalibratableHorizon(length, kind.maxHorizonSteps)
      : calibratableHorizon(kind.season, kind.stepMs, length, kind.maxHorizonSteps);
  return h >= kind.minHorizonSteps ? h : 0;
}

/** The fewest usable steps a fit needs (the cold-start threshold). */
export function requiredSteps(kind: ResolvedKind): number {
  let lo = 1;
  let hi = kind.historySteps;
  if (fitHorizon(kind, hi) === 0) return Infinity;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fitHorizon(kind, mid) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function buildFitTask(
  kind: ResolvedKind,
  id: string,
  history: SeriesHistory,
  shiftMs: number,
  holidays: string[],
): { task: FitTask; data: FitData } | null {
  const range = usableRange(history);
  if (!range) return null;
  const horizon = fitHorizon(kind, range.values.length);
  if (horizon === 0) return null;
  const { values, filled } = fillGaps(range.values, kind.gapFill, kind.season);
  return {
    task: {
      kind: kind.kind,
      id,
      startMs: range.fromIdx * kind.stepMs + kind.phaseMs + shiftMs,
      stepMs: kind.stepMs,
      values,
      horizon,
      holidays,
    },
    data: {
      fromIdx: range.fromIdx,
      toIdx: range.toIdx,
      observations: range.values.length - filled,
      filled,
      horizon,
      shiftMs,
    },
  };
}

/** Fits one task with the kind's model; pure, so it runs the same in a worker and in tests. */
export function runFit(task: FitTask): LiveModel {
  switch (task.kind) {
    case 'feeder':
      return fitFeederLoad(
        { startMs: task.startMs, stepMs: task.stepMs, values: task.values, holidays: task.holidays },
        task.horizon,
      );
    case 'laneGroup':
      return fitTrafficFlow(
        {
          startMs: task.startMs,
          stepMs: task.stepMs,
          laneGroups: [{ id: task.id, counts: task.values }],
          holidays: task.holidays,
        },
        task.horizon,
      );
    case 'bin':
      return fitBinFill({ startMs: task.startMs, stepMs: task.stepMs, levels: task.values }, task.horizon);
  }
}
