// Completes a feeder-cap dispatch request from the live feeder load forecasts (forecastKW per event interval).
import type { City } from '../../city/index.js';
import { inputError, notReadyError } from '../../errors.js';
import type { DispatchRequest } from '../../../solvers/dispatch/index.js';
import type { ForecastReady } from '../forecasts/index.js';
import type { DispatchCompletionOptions, FeederLoadSource } from './schemas.js';
import type { ForecastSource } from './live-plan-deps.js';

/** Measured load of a feeder's windows (the forecast service's `observed`). */
export interface ObservedSource extends ForecastSource {
  observed(
    kind: 'feeder',
    id: string,
    fromMs: number,
    toMs: number,
  ): { stepMs: number; timestamps: number[]; values: (number | null)[] };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function instant(v: unknown, field: string): number {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms))
    throw inputError(`${field}: must be an ISO 8601 instant, got ${JSON.stringify(v)}`, { field });
  return ms;
}

/** The event's intervals as [start, end) pairs; the rest of the request is validated by the dispatch solver. */
function intervalsOf(r: Obj): [number, number][] {
  if (Array.isArray(r.intervals))
    return r.intervals.map((w: unknown, i) => [
      instant(isObj(w) ? w.start : undefined, `intervals[${i}].start`),
      instant(isObj(w) ? w.end : undefined, `intervals[${i}].end`),
    ]);
  if (!isObj(r.event))
    throw inputError('event: give event {start, intervalMinutes, count} or intervals [{start, end}]', {
      field: 'event',
    });
  const start = instant(r.event.start, 'event.start');
  const minutes = r.event.intervalMinutes;
  const count = r.event.count;
  if (typeof minutes !== 'number' || !(minutes > 0))
    throw inputError('event.intervalMinutes: must be a positive number', { field: 'event.intervalMinutes' });
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000)
    throw inputError('event.count: must be an integer from 1 to 10000', { field: 'event.count' });
  return Array.from({ length: count }, (_, i) => [start + i * minutes * 60_000, start + (i + 1) * minutes * 60_000]);
}

/**
 * Fills `forecastKW` of every feeder that has `capKW` and no forecast of its own: per interval, the
 * time-weighted mean of the feeder's 30-minute load, measured where the window is already observed and
 * forecast (point, or an upper band) where it is not. Feeders outside the city, or whose forecast is not
 * ready yet, are refused with the field named.
 */
export function completeDispatchRequest(
  raw: unknown,
  city: City,
  forecasts: ObservedSource,
  nowMs: number,
  options: DispatchCompletionOptions = {},
): { request: DispatchRequest; feeders: FeederLoadSource[] } {
  if (!isObj(raw)) throw inputError('request: must be an object', { field: 'request' });
  if (raw.feeders === undefined) return { request: raw as unknown as DispatchRequest, feeders: [] };
  if (!Array.isArray(raw.feeders)) throw inputError('feeders: must be an array', { field: 'feeders' });
  const band = options.band ?? 'forecast';
  const needs = raw.feeders.some((f) => isObj(f) && f.capKW !== undefined && f.forecastKW === undefined);
  const spans = needs ? intervalsOf(raw) : [];
  const sources: FeederLoadSource[] = [];
  const feeders = raw.feeders.map((f: unknown, i) => {
    if (!isObj(f) || f.capKW === undefined || f.forecastKW !== undefined) {
      if (isObj(f) && typeof f.id === 'string') sources.push({ feeder: f.id, source: 'request' });
      return f;
    }
    const field = `feeders[${i}].forecastKW`;
    const id = f.id;
    if (typeof id !== 'string' || !city.feeders.some((x) => x.id === id)) {
      throw inputError(
        `${field}: feeder ${JSON.stringify(id)} is not a feeder of city ${city.id}, so it has no load forecast; give forecastKW`,
        { field },
      );
    }
    const from = spans[0][0];
    const until = Math.max(...spans.map((s) => s[1]));
    const answer = forecasts.forecast(
      { kind: 'feeder', id, fromMs: from, horizonMs: Math.max(1, until - from) },
      nowMs,
    );
    if (answer.status === 'not-ready') {
      throw notReadyError(
        `${field}: feeder ${id} has no load forecast yet (${answer.reason}); give forecastKW or retry later`,
        { field, observations: answer.observations, required: answer.required },
      );
    }
    const observed = forecasts.observed('feeder', id, from, until);
    const { values, observedIntervals } = intervalLoads(spans, answer, observed, band);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw notReadyError(`${field}: no measured or forecast load of feeder ${id} covers interval ${bad}`, {
        field,
        interval: bad,
      });
    sources.push({
      feeder: id,
      source: 'forecast',
      method: answer.method,
      fittedAtMs: answer.model.fittedAtMs,
      lastObservationMs: answer.lastObservationMs,
      observedIntervals,
    });
    return { ...f, forecastKW: values };
  });
  return { request: { ...raw, feeders } as unknown as DispatchRequest, feeders: sources };
}

/** Per interval, the overlap-weighted mean of window loads: measured windows first, else the forecast band. */
function intervalLoads(
  spans: [number, number][],
  f: ForecastReady,
  observed: { stepMs: number; timestamps: number[]; values: (number | null)[] },
  band: 'forecast' | 'upper80' | 'upper95',
): { values: number[]; observedIntervals: number } {
  const load = new Map<number, { v: number; measured: boolean }>();
  f.timestamps.forEach((t, h) => load.set(t, { v: f[band][h], measured: false }));
  observed.timestamps.forEach((t, i) => {
    const v = observed.values[i];
    if (v !== null) load.set(t, { v, measured: true });
  });
  const step = f.stepMs;
  const phase = (((f.timestamps[0] ?? 0) % step) + step) % step;
  let observedIntervals = 0;
  const values = spans.map(([s, e]) => {
    let sum = 0;
    let weight = 0;
    let measured = false;
    for (let t = Math.floor((s - phase) / step) * step + phase; t < e; t += step) {
      const w = Math.min(e, t + step) - Math.max(s, t);
      const x = load.get(t);
      if (!x || w <= 0) continue;
      sum += x.v * w;
      weight += w;
      measured ||= x.measured;
    }
    if (measured) observedIntervals++;
    return weight > 0 ? sum / weight : NaN;
  });
  return { values, observedIntervals };
}
