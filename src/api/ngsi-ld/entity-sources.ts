// Where the NGSI-LD entities' values come from: the newest window results of the running operators, and the live
// forecasts when the service runs them (in the unit of the entity's attribute).
import type { ForecastService, SeriesKind } from '../../app/forecasts/index.js';
import { isUrbanflowError } from '../../errors.js';
import type { EntitySources, ForecastSeries, WindowValue } from '../../io/ngsi-ld/index.js';
import type { ApiContext } from '../context.js';

/** The live forecasts the entities carry, on the service clock. */
export interface NgsiLdForecasts {
  service: Pick<ForecastService, 'forecast' | 'kindInfo'>;
  now: () => number;
}

const HOUR = 3_600_000;

/** Each kind's forecast span in an entity: the default horizons of GET /v1/forecasts. */
const HORIZON_MS: Record<SeriesKind, number> = { feeder: 24 * HOUR, bin: 48 * HOUR, laneGroup: 2 * HOUR };

export function entitySources(ctx: ApiContext, forecasts: NgsiLdForecasts | undefined): EntitySources {
  return {
    latest(metric, keyBy, key, aggregates): WindowValue | undefined {
      let best: WindowValue | undefined;
      for (const op of ctx.pipeline.operators) {
        if (op.metric !== metric || op.keyBy !== keyBy) continue;
        const aggregate = aggregates.find((a) => (op.aggregates as readonly string[]).includes(a));
        if (aggregate === undefined) continue;
        const r = ctx.pipeline.results.current(op.name, key)[0];
        const value = r?.values[aggregate];
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        if (!best || r.end > best.end) best = { value, start: r.start, end: r.end };
      }
      return best;
    },
    forecast(kind, id): ForecastSeries | undefined {
      if (!forecasts) return undefined;
      let scale: number;
      let a;
      try {
        scale = forecasts.service.kindInfo(kind).scale;
        a = forecasts.service.forecast({ kind, id, horizonMs: HORIZON_MS[kind] }, forecasts.now());
      } catch (err) {
        // A kind whose operator is not running, or a series the forecasts do not know: no forecast to show.
        if (isUrbanflowError(err) && err.code === 'UF_ERR_NOT_FOUND') return undefined;
        throw err;
      }
      if (a.status === 'not-ready') return undefined;
      const unit = (xs: number[]) => xs.map((x) => x / scale);
      return {
        status: a.status,
        method: a.method,
        stepMs: a.stepMs,
        timestamps: a.timestamps,
        forecast: unit(a.forecast),
        lower80: unit(a.lower80),
        upper80: unit(a.upper80),
        lower95: unit(a.lower95),
        upper95: unit(a.upper95),
        lastObservationMs: a.lastObservationMs,
      };
    },
  };
}
