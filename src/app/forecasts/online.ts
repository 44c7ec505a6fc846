// Online use of a fitted model: observations that arrived after the fit are appended (no refit), then it forecasts.
import {
  appendBinFill,
  appendSeriesModel,
  forecastBinFill,
  forecastFeederLoad,
  forecastTrafficFlow,
  type Bands,
  type SeriesMethod,
} from '../../../models/index.js';
import type { FitData, LiveModel } from './fit-task.js';
import { fillGaps } from './gaps.js';
import type { SeriesHistory } from './history.js';
import type { ResolvedKind } from './series-kinds.js';

/** A fitted model and what it was fitted on; `fittedAtMs` is the service time the refit was scheduled. */
export interface ModelRecord {
  model: LiveModel;
  data: FitData;
  fittedAtMs: number;
  fitMs: number;
  threadId: number;
}

export interface Advanced {
  model: LiveModel;
  /** Step index of the model's newest value. */
  endIdx: number;
  appended: number;
  filled: number;
}

function appendTo(model: LiveModel, values: Float64Array): LiveModel {
  if (values.length === 0) return model;
  switch (model.kind) {
    case 'feeder-load':
      return { ...model, series: appendSeriesModel(model.series, values) };
    case 'traffic-flow':
      return { ...model, groups: model.groups.map((g) => ({ ...g, series: appendSeriesModel(g.series, values) })) };
    case 'bin-fill':
      return appendBinFill(model, values);
  }
}

/**
 * The record's model moved forward to the newest observation: the steps after the fit, gap-filled with
 * the same policy the fit used. Null when the history no longer reaches back to the fit's end (the model
 * is older than the history bound and must be refitted).
 */
export function advanceModel(kind: ResolvedKind, rec: ModelRecord, history: SeriesHistory): Advanced | null {
  const end = rec.data.toIdx;
  const last = history.lastIdx;
  if (last <= end) return { model: rec.model, endIdx: end, appended: 0, filled: 0 };
  if (end < history.firstIdx) return null;
  // A season of context before the new steps lets a long gap be filled from the day before.
  const from = Math.max(history.firstIdx, end + 1 - kind.season);
  const span = history.slice(from, last);
  const { values } = fillGaps(span, kind.gapFill, kind.season);
  const fresh = span.subarray(end + 1 - from);
  let filled = 0;
  for (let i = 0; i < fresh.length; i++) if (fresh[i] !== fresh[i]) filled++;
  return { model: appendTo(rec.model, values.subarray(end + 1 - from)), endIdx: last, appended: last - end, filled };
}

/**
 * The method that forecasts with a fitted model: the candidate the series forecaster chose on its held-out origins
 * (feeders, lane groups), or the bin fill-rate model.
 */
export function modelMethod(model: LiveModel): SeriesMethod | 'bin-fill' {
  switch (model.kind) {
    case 'feeder-load':
      return model.series.method;
    case 'traffic-flow':
      return model.groups[0].series.method;
    case 'bin-fill':
      return 'bin-fill';
  }
}

export interface PathForecast extends Bands {
  forecast: number[];
  /** Bins: when the point forecast and the upper 80% band reach the threshold (model time), else null. */
  thresholdAtMs?: number | null;
  thresholdEarliestMs?: number | null;
}

/** `steps` forecasts after the model's end; `threshold` (percent) is used by bin models only. */
export function forecastPath(model: LiveModel, steps: number, threshold = 100): PathForecast {
  switch (model.kind) {
    case 'feeder-load':
      return forecastFeederLoad(model, steps);
    case 'traffic-flow':
      return forecastTrafficFlow(model, steps)[0].forecast;
    case 'bin-fill': {
      const f = forecastBinFill(model, steps, threshold);
      return { ...f, forecast: f.level };
    }
  }
}
