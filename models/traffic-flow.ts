// Traffic flow per approach / lane group from 5-min counts, 15 min to 2 h ahead, with time-of-day and weekday seasonality.
import { inputError } from '../src/errors.js';
import { DAY_MS, holidayDays } from './calendar.js';
import { fitSeries, forecastModel, type Forecast } from './generic.js';
import type { SeriesModel } from './series-model.js';

export interface TrafficFlowInput {
  startMs: number;
  /** Count interval, 5 min by default in the city file. */
  stepMs: number;
  /** Vehicle counts per step, one series per lane group (or approach). */
  laneGroups: { id: string; counts: Float64Array }[];
  holidays?: string[];
}

export interface TrafficFlowModel {
  kind: 'traffic-flow';
  groups: { id: string; series: SeriesModel }[];
}

export function fitTrafficFlow(input: TrafficFlowInput, horizon: number): TrafficFlowModel {
  if (DAY_MS % input.stepMs !== 0)
    throw inputError(`count interval ${input.stepMs} ms does not divide a day`, { field: 'stepMs' });
  const holidays = holidayDays(input.holidays ?? []);
  const season = DAY_MS / input.stepMs;
  return {
    kind: 'traffic-flow',
    groups: input.laneGroups.map((g) => ({
      id: g.id,
      series: fitSeries(
        { startMs: input.startMs, stepMs: input.stepMs, values: g.counts, season, holidays, min: 0 },
        horizon,
      ),
    })),
  };
}

/** Counts per step for each lane group, with 80/95% intervals floored at zero. */
export function forecastTrafficFlow(model: TrafficFlowModel, horizon: number): { id: string; forecast: Forecast }[] {
  return model.groups.map((g) => ({ id: g.id, forecast: forecastModel(g.series, horizon) }));
}
