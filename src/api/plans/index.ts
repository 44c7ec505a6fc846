// Plans over HTTP: the SQLite plan store, the solver thread pool and the service that ties them together.
export { PlanStore, type PlanRecord, type PlanSummary, type PlanStatus } from './plan-store.js';
export { SolverPool, type SolverPoolOptions } from './solver-pool.js';
export { PlanService } from './plan-service.js';
export { PLAN_KINDS, runSolve, type PlanKindName, type SolveTask, type SolveOutcome, type RouteRequest } from './solve.js';
