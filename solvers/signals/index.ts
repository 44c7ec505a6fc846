// Signal timing plans: per-intersection planning (Webster cycle, LP splits, HCM performance) and corridor offsets.
export { planIntersection, DEFAULT_PLANNER_OPTIONS } from './plan.js';
export { checkPlan } from './check.js';
export type {
  IntersectionInput,
  IntersectionPlan,
  LaneGroupInput,
  ApproachInput,
  PhaseInput,
  PhasingInput,
  PhasePlan,
  LaneGroupPerformance,
  PlannerOptions,
  Leg,
  Turn,
  Los,
} from './types.js';
export { planCorridor } from './corridor.js';
export { checkCorridor } from './check-corridor.js';
export type { CorridorInput, CorridorLinkInput, CorridorSignalInput, CorridorPlan } from './corridor-types.js';
export { intersectionFromCity, corridorFromCity, SHARED_TURN_SHARE } from './from-city.js';
export type { LaneGroupDemand, IntersectionDemand } from './from-city.js';
export { IntersectionInputSchema, SignalsRequestSchema, checkSignalsRequest } from './request-schema.js';
export type { SignalsRequest } from './request-schema.js';
