// Models to and from plain JSON, to persist fitted models and restore them after a restart.
import { inputError } from '../src/errors.js';
import type { BinFillModel } from './bin-fill.js';
import type { FeederLoadModel } from './feeder-load.js';
import type { SeasonalArxModel } from './seasonal-arx.js';
import type { SeriesModel } from './series-model.js';
import type { TrafficFlowModel } from './traffic-flow.js';

export type AnyModel = SeriesModel | SeasonalArxModel | FeederLoadModel | TrafficFlowModel | BinFillModel;

const KINDS = new Set(['series', 'seasonal-arx', 'feeder-load', 'traffic-flow', 'bin-fill']);

/** Models hold only numbers, strings, booleans and arrays, so JSON round-trips them exactly (non-finite numbers excepted). */
export function serializeModel(model: AnyModel): string {
  return JSON.stringify(model);
}

export function restoreModel(json: string): AnyModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw inputError(`model JSON does not parse: ${(err as Error).message}`, { field: 'model' });
  }
  const kind = (parsed as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw inputError(`model JSON has kind ${JSON.stringify(kind)}; expected one of ${[...KINDS].join(', ')}`, {
      field: 'kind',
    });
  }
  return parsed as AnyModel;
}
