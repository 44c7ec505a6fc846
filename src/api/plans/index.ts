// Plans over HTTP: the SQLite plan store and the service that solves them on the solver runtime.
export { PlanStore, type PlanRecord, type PlanSummary, type PlanStatus } from './plan-store.js';
export { PlanService } from './plan-service.js';
export { PLAN_KINDS, type PlanKindName, type RouteRequest } from '../../runtime/index.js';
