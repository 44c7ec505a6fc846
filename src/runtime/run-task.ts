// Runs one task through its solver on the current thread, with the thread's solver resources; never throws.
import { dispatchProblem, solveDispatch, warmUpDecomposition } from '../../solvers/dispatch/index.js';
import { warmUpHighs } from '../../solvers/lp/index.js';
import { planCollection } from '../../solvers/routing/collection/index.js';
import { planCorridor, planIntersection, type CorridorPlan } from '../../solvers/signals/index.js';
import { inputError } from '../errors.js';
import type { SolverResources } from './solver-resources.js';
import { toTaskError } from './task-error.js';
import type {
  SignalPlansInput,
  SignalPlansReply,
  SignalsAnswer,
  SignalsRequest,
  SolverTask,
  TaskOutcome,
} from './task.js';

/** The routing search's budget is wall time on the thread that runs it. */
const clock = () => performance.now();

async function solveSignals(req: SignalsRequest): Promise<SignalsAnswer> {
  const plans = req.intersections.map((i) => planIntersection(i));
  const byId = new Map(req.intersections.map((i) => [i.id, i]));
  const corridors: CorridorPlan[] = [];
  for (const [ci, c] of (req.corridors ?? []).entries()) {
    const signals = c.signals.map((s, i) => {
      const intersection = byId.get(s.intersection);
      if (!intersection)
        throw inputError(
          `corridors[${ci}].signals[${i}].intersection ${JSON.stringify(s.intersection)} is not in "intersections"`,
          { field: `corridors[${ci}].signals[${i}].intersection` },
        );
      return { ...s, intersection };
    });
    corridors.push(await planCorridor({ ...c, signals }));
  }
  return { plans, corridors };
}

async function solveSignalPlans(task: SignalPlansInput): Promise<SignalPlansReply> {
  const intersections = task.intersections.map(({ id, input }) => {
    try {
      return { id, plan: planIntersection(input, task.planner) };
    } catch (err) {
      return { id, error: toTaskError(err) };
    }
  });
  const corridors: SignalPlansReply['corridors'] = [];
  for (const { id, input } of task.corridors) {
    try {
      corridors.push({ id, plan: await planCorridor(input, task.planner) });
    } catch (err) {
      corridors.push({ id, error: toTaskError(err) });
    }
  }
  return { intersections, corridors };
}

async function solve(task: SolverTask, resources: SolverResources): Promise<unknown> {
  switch (task.kind) {
    case 'dispatch':
      // Admitted requests passed the schema and the rules on arrival: only their times are resolved here.
      return solveDispatch(dispatchProblem(task.input), {
        highs: resources.highs,
        decomposition: resources.decomposition,
      });
    case 'route': {
      const { date: _date, timeLimitSeconds, seed, ...request } = task.input;
      return planCollection(request, { timeLimitMs: (timeLimitSeconds ?? 5) * 1000, seed: seed ?? 1, now: clock });
    }
    case 'signals':
      return solveSignals(task.input);
    case 'signal-plans':
      return solveSignalPlans(task.input);
    case 'collection': {
      const { request, timeLimitMs, seed, maxIterations } = task.input;
      return planCollection(request, {
        timeLimitMs,
        seed,
        now: clock,
        ...(maxIterations !== undefined ? { maxIterations } : {}),
      });
    }
    case 'warm-up':
      await warmUpHighs(resources.highs);
      await warmUpDecomposition(resources.decomposition);
      return null;
  }
}

/** A solver's typed error comes back as a failure with its code and message; any other exception as UF_ERR_INTERNAL. */
export async function runSolverTask(task: SolverTask, resources: SolverResources): Promise<TaskOutcome> {
  try {
    return { ok: true, result: await solve(task, resources) };
  } catch (err) {
    return { ok: false, error: toTaskError(err) };
  }
}
