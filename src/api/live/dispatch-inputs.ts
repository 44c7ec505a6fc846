// Feeder-cap dispatch requests over HTTP: a capped feeder without forecastKW gets its load from the live forecast before the solve.
import type { Static } from '@sinclair/typebox';
import { isUrbanflowError } from '../../errors.js';
import type { PlanInputStep } from '../plans/kinds.js';
import { HttpProblem } from '../problem.js';
import type { DispatchInputs, LoadBand } from '../schemas/dispatch.js';
import { notReady, waitFor } from './not-ready.js';
import type { LiveApi } from './plugin.js';
import type { ServiceTime } from './service-time.js';
import { warmUpProblem, type WarmUpProgress } from './warm-up.js';

/**
 * The plan input step of dispatch plans: fills forecastKW of every capped feeder that has none (measured load for
 * intervals already observed, else the forecast `band`) and records which forecast each came from. A feeder whose
 * forecast is not ready is a 503 naming it, with Retry-After; a feeder outside the city a 422 at its field. While
 * history is replayed at start, a request that needs the forecast is a 503 saying so.
 */
export function dispatchInputs(
  live: LiveApi,
  time: ServiceTime,
  warmUp: () => WarmUpProgress | undefined = () => undefined,
): PlanInputStep {
  return (body, query) => {
    const band = (query.band as Static<typeof LoadBand> | undefined) ?? 'forecast';
    let completed: ReturnType<LiveApi['completeDispatch']>;
    try {
      completed = live.completeDispatch(body, { band });
    } catch (err) {
      if (!isUrbanflowError(err)) throw err;
      const field = err.details.field as string | undefined;
      if (err.code === 'UF_ERR_NOT_READY') {
        const progress = warmUp();
        if (progress) throw warmUpProblem(progress);
        const feeder = /^feeders\[(\d+)\]/.exec(field ?? '');
        const id = feeder ? String((body as { feeders: { id: unknown }[] }).feeders[Number(feeder[1])]?.id) : 'unknown';
        const observations = Number(err.details.observations ?? 0);
        const required = Number(err.details.required ?? 0);
        const missing = { kind: 'feeder' as const, id, observations, required, reason: err.message };
        throw notReady(time, err.message, waitFor(missing, live.forecasts.kindInfo('feeder').stepMs), [missing], {
          feeder: id,
          ...(field ? { errors: [{ path: `body.${field}`, message: err.message }] } : {}),
        });
      }
      if (err.code === 'UF_ERR_INPUT')
        throw new HttpProblem('invalid-request', err.message, {
          code: err.code,
          ...(field ? { errors: [{ path: `body.${field}`, message: err.message }] } : {}),
        });
      throw err;
    }
    const filled = completed.feeders.filter((f) => f.source === 'forecast');
    if (filled.length === 0) return { body };
    const progress = warmUp();
    if (progress) throw warmUpProblem(progress);
    const forecastKW = new Map((completed.request.feeders ?? []).map((f) => [f.id, f.forecastKW ?? []]));
    const inputs: Static<typeof DispatchInputs> = {
      completedAtMs: time.now(),
      band,
      feeders: filled.map((f) => ({
        feeder: f.feeder,
        source: 'forecast',
        method: f.method ?? 'unknown',
        fittedAtMs: f.fittedAtMs ?? null,
        lastObservationMs: f.lastObservationMs ?? 0,
        observedIntervals: f.observedIntervals ?? 0,
        forecastKW: [...(forecastKW.get(f.feeder) ?? [])],
      })),
    };
    return { body: completed.request, inputs };
  };
}
