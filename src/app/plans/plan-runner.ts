// What the live plans ask of the solver runtime: a refresh's signal plans and a depot's collection routes.
import type { CollectionPlan } from '../../../solvers/routing/collection/index.js';
import {
  SolverRuntime,
  type CollectionInput,
  type SignalPlansInput,
  type SignalPlansReply,
} from '../../runtime/index.js';

export interface PlanRunner {
  /** Per-item errors come back beside the plans (one bad intersection does not stop the others). */
  signals(input: SignalPlansInput): Promise<SignalPlansReply>;
  /** Resolves to the plan, or rejects with the planner's typed error. */
  collection(input: CollectionInput): Promise<CollectionPlan>;
}

/** The live plans' tasks on `solvers` (shared with the API; its owner closes it). */
export function planRunnerOn(solvers: SolverRuntime): PlanRunner {
  return {
    signals: (input) => solvers.run({ kind: 'signal-plans', input }),
    collection: (input) => solvers.run({ kind: 'collection', input }),
  };
}

/** Runs the tasks on the calling thread (tests, tools): the routing solver blocks it for its time budget. */
export function inlinePlanRunner(): PlanRunner {
  return planRunnerOn(new SolverRuntime({ threads: 0 }));
}
