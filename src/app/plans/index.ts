// Live plans for the API: signal timing per intersection and corridor, collection routes per depot and date, dispatch inputs.
export {
  SignalPlanService,
  DEFAULT_SIGNAL_PLAN_OPTIONS,
  type SignalPlanDeps,
  type SignalPlanOptions,
  type RefreshReport,
} from './signal-plans.js';
export type { ForecastSource } from './live-plan-deps.js';
export {
  CollectionRouteService,
  DEFAULT_COLLECTION_OPTIONS,
  type CollectionRouteDeps,
  type CollectionRouteOptions,
} from './collection-routes.js';
export { inlinePlanRunner, planRunnerOn, type PlanRunner } from './plan-runner.js';
export { completeDispatchRequest, type ObservedSource } from './dispatch-forecast.js';
export {
  resolveCityResources,
  type CityResourceLeftOut,
  type CityResourceTaken,
  type ResolvedCityResources,
} from './dispatch-resources.js';
export { periodDemand, materialChange, type DemandStatistic } from './lane-demand.js';
export { binLevelsFor, type BinLevels } from './bin-levels.js';
export { serviceWindow, nextServiceDay, isServiceDay, type ServiceCalendar } from './service-days.js';
export { etagOf, etagMatches, canonicalJson } from './etag.js';
export { VersionLog, type Versioned, type VersionPersistence } from './versioned.js';
export * from './schemas.js';
