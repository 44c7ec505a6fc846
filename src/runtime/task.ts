// One task envelope for every solve that runs on a solver thread: its kind and its input, both plain data.
import type { DispatchPlan, DispatchRequest } from '../../solvers/dispatch/index.js';
import type { CollectionPlan, CollectionRequest } from '../../solvers/routing/collection/index.js';
import type {
  CorridorInput,
  CorridorPlan,
  IntersectionInput,
  IntersectionPlan,
  PlannerOptions,
} from '../../solvers/signals/index.js';
import type { TaskError } from './task-error.js';

/** The plan kinds a client can POST; each is also a task kind. */
export const PLAN_KINDS = ['dispatch', 'route', 'signals'] as const;
export type PlanKindName = (typeof PLAN_KINDS)[number];

/** A POSTed collection request: the solver's request with the service day and the search's budget and seed. */
export interface RouteRequest extends CollectionRequest {
  date: string;
  timeLimitSeconds?: number;
  seed?: number;
}

/** A POSTed signals request: corridors name their intersections by id. */
export interface SignalsRequest {
  intersections: IntersectionInput[];
  corridors?: (Omit<CorridorInput, 'signals'> & {
    signals: { intersection: string; outboundLaneGroup: string; inboundLaneGroup: string }[];
  })[];
}

export interface SignalsAnswer {
  plans: IntersectionPlan[];
  corridors: CorridorPlan[];
}

/** The live signal plans of one refresh: each item is planned on its own, its failure reported beside the others. */
export interface SignalPlansInput {
  intersections: { id: string; input: IntersectionInput }[];
  corridors: { id: string; input: CorridorInput }[];
  planner: Partial<PlannerOptions>;
}

export interface SignalPlansReply {
  intersections: { id: string; plan?: IntersectionPlan; error?: TaskError }[];
  corridors: { id: string; plan?: CorridorPlan; error?: TaskError }[];
}

/** The live collection routes of one depot and day. */
export interface CollectionInput {
  request: CollectionRequest;
  timeLimitMs: number;
  seed: number;
  maxIterations?: number;
}

/** Every task kind: what goes in, what comes back. */
export interface SolverTaskKinds {
  /** A validated dispatch request (the API checked its schema and rules on arrival). */
  dispatch: { input: DispatchRequest; result: DispatchPlan };
  route: { input: RouteRequest; result: CollectionPlan };
  signals: { input: SignalsRequest; result: SignalsAnswer };
  'signal-plans': { input: SignalPlansInput; result: SignalPlansReply };
  collection: { input: CollectionInput; result: CollectionPlan };
  /** Loads HiGHS and compiles the dispatch solver on the thread, so the first request is solved at steady-state speed. */
  'warm-up': { input: null; result: null };
}

export type SolverTaskKind = keyof SolverTaskKinds;

/** The envelope: `{ kind, input }`. */
export type SolverTask<K extends SolverTaskKind = SolverTaskKind> = {
  [P in K]: { kind: P; input: SolverTaskKinds[P]['input'] };
}[K];

export type SolverResult<K extends SolverTaskKind> = SolverTaskKinds[K]['result'];

/** What comes back across the thread boundary: the result, or the error in its one serialisable shape. */
export type TaskOutcome<R = unknown> = { ok: true; result: R } | { ok: false; error: TaskError };
