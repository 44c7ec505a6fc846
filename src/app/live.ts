// The live layer beside a running pipeline: forecasts fed by its results, plans on the forecasts, one state directory.
import type { DispatchRequest } from '../../solvers/dispatch/index.js';
import type { City } from '../city/index.js';
import { ForecastService, type ForecastServiceOptions } from './forecasts/index.js';
import type { Pipeline } from './pipeline.js';
import {
  CollectionRouteService,
  SignalPlanService,
  completeDispatchRequest,
  planRunnerOn,
  type CollectionRouteOptions,
  type DispatchCompletionOptions,
  type FeederLoadSource,
  type SignalPlanOptions,
} from './plans/index.js';
import type { Replica } from './replica.js';
import { SolverRuntime } from '../runtime/index.js';
import { StateStore } from './state-store.js';

export interface LiveOptions {
  pipeline: Pipeline;
  /** Service time (the simulator's clock when it drives the pipeline); every schedule below runs on it. */
  clock: () => number;
  /** Directory of the state file; null keeps forecasts and plan versions in memory only. */
  stateDir: string | null;
  forecasts?: Omit<ForecastServiceOptions, 'city' | 'operators' | 'store'>;
  signalPlans?: Partial<SignalPlanOptions>;
  collection?: Partial<CollectionRouteOptions>;
  /** Service time between signal plan refreshes (default 5 min). */
  planRefreshEveryMs?: number;
  /** Wall-clock period of the housekeeping timer (default 1 s). */
  tickEveryMs?: number;
  /**
   * Housekeeping (refits, saves, signal plan refreshes) waits while this answers true: while the simulator
   * replays history, service time races through days, and refitting and planning every replayed hour would
   * only slow the replay; they run once on the whole history when it ends.
   */
  holdWhile?: () => boolean;
  /** The solver runtime the plans run on, shared with the API; without it the live layer starts (and closes) its own. */
  solvers?: SolverRuntime;
  onError?: (err: Error) => void;
  /**
   * Kafka mode (src/app/shared-state): forecast fits and plan versions are shared by the group, and only its leader
   * refits the forecasts and refreshes the signal plans (the others serve what it publishes).
   */
  shared?: { replicas: (namespace: string) => Replica; fits: Replica; leads: () => boolean };
}

export interface LiveServices {
  /** Service time, as the schedules below see it. */
  clock: () => number;
  /** Service time between signal plan refreshes. */
  planRefreshEveryMs: number;
  forecasts: ForecastService;
  signalPlans: SignalPlanService;
  collectionRoutes: CollectionRouteService;
  /** A dispatch request with every capped feeder's forecastKW filled from the live forecast. */
  completeDispatch(
    request: unknown,
    options?: DispatchCompletionOptions,
  ): { request: DispatchRequest; feeders: FeederLoadSource[] };
  /** Follows a changed city (the pipeline must be rebuilt for its sensors): new series start empty, removed ones are dropped. */
  setCity(city: City): void;
  /** Stops the timer, waits for running refits and refreshes, saves the state and closes the state file. */
  close(): Promise<void>;
}

/** How soon the leader of a group retries a refresh that found plans whose forecasts were not ready. */
const SHARED_NOT_READY_RETRY_MS = 15_000;

export function startLiveServices(o: LiveOptions): LiveServices {
  const { pipeline, clock } = o;
  let city = pipeline.city;
  const store = o.stateDir === null ? undefined : StateStore.open(o.stateDir);
  const forecasts = new ForecastService({
    ...o.forecasts,
    city: pipeline.city,
    operators: pipeline.operators,
    store,
    shared: o.shared && { replica: o.shared.fits, fits: o.shared.leads },
  });
  const solvers = o.solvers ?? new SolverRuntime({ threads: 1 });
  const runner = planRunnerOn(solvers);
  const replicas = o.shared?.replicas;
  const signalPlans = new SignalPlanService({ city, forecasts, runner, store, replicas, options: o.signalPlans });
  const collectionRoutes = new CollectionRouteService({
    city,
    forecasts,
    runner,
    store,
    replicas,
    options: o.collection,
  });
  const removeListener = pipeline.addResultListener((rows) => forecasts.ingest(rows));
  const report = (err: Error) => (o.onError ?? (() => undefined))(err);
  const planRefreshEveryMs = o.planRefreshEveryMs ?? 300_000;
  let lastRefresh = -Infinity;
  let refreshing: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (o.holdWhile?.()) return;
    const now = clock();
    try {
      forecasts.tick(now);
    } catch (err) {
      report(err as Error);
    }
    if (o.shared && !o.shared.leads()) {
      // A follower: the leader's refreshes arrive through the shared plans; when it leads, it refreshes at once.
      lastRefresh = -Infinity;
      return;
    }
    if (!refreshing && now - lastRefresh >= planRefreshEveryMs) {
      lastRefresh = now;
      refreshing = signalPlans
        .refresh(now)
        .then((r) => {
          // The group's leader took over (or started) while forecasts were still filling: other processes serve
          // nothing until it publishes, so it tries again soon rather than at the next regular refresh.
          if (o.shared && r.notReady > 0) lastRefresh = now - planRefreshEveryMs + SHARED_NOT_READY_RETRY_MS;
        })
        .catch(report)
        .finally(() => (refreshing = undefined));
    }
  }, o.tickEveryMs ?? 1000);
  timer.unref();
  return {
    clock,
    planRefreshEveryMs,
    forecasts,
    signalPlans,
    collectionRoutes,
    completeDispatch: (request, options) => completeDispatchRequest(request, city, forecasts, clock(), options),
    setCity(next) {
      city = next;
      forecasts.setCity(next);
      signalPlans.setCity(next);
      collectionRoutes.setCity(next);
    },
    async close() {
      clearInterval(timer);
      removeListener();
      await refreshing;
      await forecasts.close();
      if (!o.solvers) await solvers.close();
      await store?.close();
    },
  };
}
