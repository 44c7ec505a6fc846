// Runs one plan request through its solver; used inside the solver worker threads, never on the API's event loop.
import { dispatchProblem, solveDispatch, type DispatchRequest } from '../../../solvers/dispatch/index.js';
import { planCollection, type CollectionRequest } from '../../../solvers/routing/index.js';
import { planCorridor, planIntersection, type CorridorInput, type CorridorPlan, type IntersectionInput } from '../../../solvers/signals/index.js';
import { inputError, isUrbanflowError } from '../../errors.js';

export const PLAN_KINDS = ['dispatch', 'route', 'signals'] as const;
export type PlanKindName = (typeof PLAN_KINDS)[number];

export interface SolveTask {
  kind: PlanKindName;
  request: unknown;
}

export interface SolveFailure {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type SolveOutcome = { ok: true; result: unknown } | { ok: false; error: SolveFailure };

export interface RouteRequest extends CollectionRequest {
  date: string;
  timeLimitSeconds?: number;
  seed?: number;
}

interface SignalsRequest {
  intersections: IntersectionInput[];
  corridors?: (Omit<CorridorInput, 'signals'> & { signals: { intersection: string; outboundLaneGroup: string; inboundLaneGroup: string }[] })[];
}

async function solveSignals(req: SignalsRequest): Promise<{ plans: unknown[]; corridors: CorridorPlan[] }> {
  const plans = req.intersections.map((i) => planIntersection(i));
  const byId = new Map(req.intersections.map((i) => [i.id, i]));
  const corridors: CorridorPlan[] = [];
  for (const [ci, c] of (req.corridors ?? []).entries()) {
    const signals = c.signals.map((s, i) => {
      const intersection = byId.get(s.intersection);
      if (!intersection) throw inputError(`corridors[${ci}].signals[${i}].intersection ${JSON.stringify(s.intersection)} is not in "intersections"`, { field: `corridors[${ci}].signals[${i}].intersection` });
      return { ...s, intersection };
    });
    corridors.push(await planCorridor({ ...c, signals }));
  }
  return { plans, corridors };
}

async function solve(task: SolveTask): Promise<unknown> {
  switch (task.kind) {
    case 'dispatch':
      // Admitted requests passed the schema and the rules on arrival (kinds.ts): only their times are resolved here.
      return solveDispatch(dispatchProblem(task.request as DispatchRequest));
    case 'route': {
      const { date: _date, timeLimitSeconds, seed, ...request } = task.request as RouteRequest;
      return planCollection(request, { timeLimitMs: (timeLimitSeconds ?? 5) * 1000, seed: seed ?? 1, now: () => performance.now() });
    }
    case 'signals':
      return solveSignals(task.request as SignalsRequest);
  }
}

/** Never throws: a bad request comes back as a failure with the solver's code and message. */
export async function runSolve(task: SolveTask): Promise<SolveOutcome> {
  try {
    return { ok: true, result: await solve(task) };
  } catch (err) {
    if (isUrbanflowError(err)) return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    const e = err as Error;
    return { ok: false, error: { code: 'UF_ERR_INTERNAL', message: `solver failed: ${e?.message ?? String(err)}`, details: {} } };
  }
}
