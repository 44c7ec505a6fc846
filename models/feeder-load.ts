// Feeder load (kW) at 15- or 30-min resolution, up to 48 h ahead, with temperature when the city provides it.
import { inputError } from '../src/errors.js';
import { DAY_MS, holidayDays } from './calendar.js';
import { fitSeries, forecastModel, type Forecast } from './generic.js';
import type { SeriesModel } from './series-model.js';

export interface FeederLoadInput {
  startMs: number;
  stepMs: number;
  /** Load in kW, one value per step. */
  values: Float64Array;
  /** Air temperature (°C) per step, same length as `values`. */
  temperature?: Float64Array;
  /** Public holidays of the city, `YYYY-MM-DD`. */
  holidays?: string[];
}

export interface FeederLoadModel {
  kind: 'feeder-load';
  usesTemperature: boolean;
  series: SeriesModel;
}

/**
 * Heating and cooling degrees beside the raw temperature let a linear model bend at the comfort band; the
 * bases (15.5 °C heating, 22 °C cooling) are the usual degree-day conventions, not fitted to any data set.
 */
function temperatureColumns(t: ArrayLike<number>): Float64Array[] {
  const n = t.length;
  const heat = new Float64Array(n);
  const cool = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    heat[i] = Math.max(0, 15.5 - t[i]);
    cool[i] = Math.max(0, t[i] - 22);
  }
  return [Float64Array.from(t), heat, cool];
}

export function fitFeederLoad(input: FeederLoadInput, horizon: number): FeederLoadModel {
  if (DAY_MS % input.stepMs !== 0)
    throw inputError(`feeder step ${input.stepMs} ms does not divide a day`, { field: 'stepMs' });
  if (input.temperature && input.temperature.length !== input.values.length) {
    throw inputError(`temperature has ${input.temperature.length} values for ${input.values.length} load values`, {
      field: 'temperature',
    });
  }
  const usesTemperature = input.temperature !== undefined;
  const series = fitSeries(
    {
      startMs: input.startMs,
      stepMs: input.stepMs,
      values: input.values,
      season: DAY_MS / input.stepMs,
      exog: usesTemperature ? temperatureColumns(input.temperature!) : undefined,
      exogNames: usesTemperature ? ['temperature', 'heatingDegrees', 'coolingDegrees'] : [],
      holidays: holidayDays(input.holidays ?? []),
      min: 0,
    },
    horizon,
  );
  return { kind: 'feeder-load', usesTemperature, series };
}

/** `temperatureFuture` (°C per forecast step) is required when the model was fitted with temperature. */
export function forecastFeederLoad(
  model: FeederLoadModel,
  horizon: number,
  temperatureFuture?: ArrayLike<number>,
): Forecast {
  if (model.usesTemperature && (!temperatureFuture || temperatureFuture.length < horizon)) {
    throw inputError(`the feeder model uses temperature: supply a temperature forecast for all ${horizon} steps`, {
      field: 'temperature',
      required: horizon,
    });
  }
  return forecastModel(
    model.series,
    horizon,
    model.usesTemperature ? temperatureColumns(temperatureFuture!) : undefined,
  );
}
