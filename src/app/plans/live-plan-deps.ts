// What a live plan service (signal plans, collection routes) is given: the city, the forecasts it plans on, where its
// solver runs, and where its plan versions persist and are shared.
import type { City } from '../../city/index.js';
import type { ForecastAnswer, ForecastQuery } from '../forecasts/index.js';
import type { Replica } from '../replica.js';
import type { StateStore } from '../state-store.js';
import type { PlanRunner } from './plan-runner.js';
import type { VersionPersistence } from './versioned.js';

/** What the plans read forecasts from (the forecast service). */
export interface ForecastSource {
  forecast(query: ForecastQuery, nowMs: number): ForecastAnswer;
}

export interface LivePlanDeps<Options> {
  city: City;
  forecasts: ForecastSource;
  /** Where the solver runs (a worker pool in the server: a solve can take seconds). */
  runner: PlanRunner;
  /** Where versions persist. */
  store?: StateStore;
  /** Shares plan versions with the other processes of a group (Kafka mode). */
  replicas?: (namespace: string) => Replica;
  options?: Partial<Options>;
}

/** The plan versions of one namespace kept as documents of the state store (none without a store). */
export function persistence(store: StateStore | undefined, namespace: string): VersionPersistence | undefined {
  return (
    store && {
      load: () => store.documents.list(namespace),
      save: (key, body) => store.documents.save(namespace, key, body),
      remove: (key) => store.documents.delete(namespace, key),
    }
  );
}
