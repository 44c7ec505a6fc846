// Planning work as plain-data tasks, so it runs the same in a worker thread and on the calling thread.
import { isUrbanflowError, UrbanflowError, type ErrorCode } from '../../errors.js';
import { planCollection, type CollectionPlan, type CollectionRequest } from '../../../solvers/routing/collection/index.js';
import { planCorridor, planIntersection, type CorridorInput, type CorridorPlan, type IntersectionInput, type IntersectionPlan, type PlannerOptions } from '../../../solvers/signals/index.js';

export interface SignalTask {
  kind: 'signals';
  intersections: { id: string; input: IntersectionInput }[];
  corridors: { id: string; input: CorridorInput }[];
  planner: Partial<PlannerOptions>;
}

export interface CollectionTask {
  kind: 'collection';
  request: CollectionRequest;
  timeLimitMs: number;
  seed: number;
  maxIterations?: number;
}

export type PlanTask = SignalTask | CollectionTask;

/** A typed error carried across the thread boundary (structured clone keeps only an Error's message). */
export interface TaskError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export interface SignalReply {
  intersections: { id: string; plan?: IntersectionPlan; error?: TaskError }[];
  corridors: { id: string; plan?: CorridorPlan; error?: TaskError }[];
}

export type CollectionReply = { plan: CollectionPlan } | { error: TaskError };

export function toTaskError(err: unknown): TaskError {
  if (isUrbanflowError(err)) return { code: err.code, message: err.message, details: err.details };
  return { code: 'UF_ERR_INTERNAL', message: (err as Error).message ?? String(err), details: {} };
}

export function fromTaskError(e: TaskError): UrbanflowError {
  return new UrbanflowError(e.code, e.message, e.details);
}

/** Runs one task; `clock` (wall milliseconds) paces the routing solver's time budget. Per-item errors are returned, not thrown. */
export async function runPlanTask(task: PlanTask, clock: () => number): Promise<SignalReply | CollectionReply> {
  if (task.kind === 'collection') {
    try {
      const plan = await planCollection(task.request, {
        timeLimitMs: task.timeLimitMs,
        seed: task.seed,
        now: clock,
        ...(task.maxIterations !== undefined ? { maxIterations: task.maxIterations } : {}),
      });
      return { plan };
    } catch (err) {
      return { error: toTaskError(err) };
    }
  }
  const intersections = task.intersections.map(({ id, input }) => {
    try {
      return { id, plan: planIntersection(input, task.planner) };
    } catch (err) {
      return { id, error: toTaskError(err) };
    }
  });
  const corridors: SignalReply['corridors'] = [];
  for (const { id, input } of task.corridors) {
    try {
      corridors.push({ id, plan: await planCorridor(input, task.planner) });
    } catch (err) {
      corridors.push({ id, error: toTaskError(err) });
    }
  }
  return { intersections, corridors };
}
