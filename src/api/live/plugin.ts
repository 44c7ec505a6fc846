// The live city over HTTP: signal plans, collection routes, forecasts and feeder-cap dispatch completion, as one API plugin.
import type { LiveServices } from '../../app/index.js';
import type { ApiPlugin } from '../server.js';
import { dispatchInputs } from './dispatch-inputs.js';
import { forecastRoutes } from './forecast-routes.js';
import { routeDayRoutes } from './route-days.js';
import { serviceTime } from './service-time.js';
import { signalRoutes } from './signal-routes.js';
import { warmUpProblem, type WarmUpProgress } from './warm-up.js';

export type { WarmUpProgress } from './warm-up.js';

/** What the routes use of the live services (`startLiveServices`). */
export type LiveApi = Pick<
  LiveServices,
  'clock' | 'planRefreshEveryMs' | 'forecasts' | 'signalPlans' | 'collectionRoutes' | 'completeDispatch' | 'setCity'
>;

export interface LiveRouteOptions {
  /**
   * Service milliseconds per wall-clock millisecond (default 1): the simulator's speed when it drives the pipeline,
   * so Retry-After and Cache-Control, which count wall-clock seconds, match how fast the plans change.
   */
  serviceRate?: number;
  /**
   * While the service replays its recent history at start (the simulator's warm start), how far it is: the live
   * routes and feeder-cap completion answer 503 with it meanwhile, as their service time is still in the past.
   */
  warmUp?: () => WarmUpProgress | undefined;
}

/**
 * Mounts the live routes under /v1 (`buildServer({ plugins: [liveRoutes(live)] })`), makes feeder-cap dispatch
 * requests complete from the load forecast, and has the live services follow city changes the pipeline takes.
 */
export function liveRoutes(live: LiveApi, options: LiveRouteOptions = {}): ApiPlugin {
  const time = serviceTime(live.clock, options.serviceRate ?? 1);
  return (ctx) => async (app) => {
    const warmUp = options.warmUp ?? (() => undefined);
    ctx.planInputs.set('dispatch', dispatchInputs(live, time, warmUp));
    ctx.city.onApplied((city) => live.setCity(city));
    // After the credential check (a route's own onRequest) and the request's validation.
    app.addHook('preHandler', async () => {
      const progress = warmUp();
      if (progress) throw warmUpProblem(progress);
    });
    await app.register(signalRoutes(ctx, live, time));
    await app.register(routeDayRoutes(ctx, live, time));
    await app.register(forecastRoutes(ctx, live, time));
  };
}
