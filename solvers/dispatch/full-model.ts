// Solves a dispatch request as one LP/MIP of all its resources with javascript-lp-solver or HiGHS.
import { UrbanflowError } from '../../src/errors.js';
import { solveLp, type LpResult, type LpSolveOptions } from '../lp/index.js';
import { buildDispatchModel, type DispatchModel } from './build.js';
import { solveDispatchMip } from './mip.js';
import type { DispatchProblem } from './problem.js';
import type { DispatchSolution } from './solution.js';

function duals(rows: Int32Array | undefined, lp: LpResult): Float64Array | undefined {
  if (!rows || !lp.rowDuals) return undefined;
  const d = lp.rowDuals;
  return Float64Array.from(rows, (row) => (row < 0 ? 0 : d[row]));
}

/** Reads per-resource values out of the model's column vector. */
export function solutionOf(p: DispatchProblem, m: DispatchModel, lp: LpResult): DispatchSolution {
  const x = lp.x;
  const at = (c: number) => (c < 0 ? 0 : x[c]);
  const n = p.hours.length;
  return {
    status: lp.status === 'optimal' ? 'optimal' : 'feasible',
    backend: lp.backend,
    method: 'full-model',
    mip: m.lp.numIntegers > 0,
    ...(lp.mipGap !== undefined ? { mipGap: lp.mipGap } : {}),
    objective: lp.objective,
    primary: m.columns.map((c) => Float64Array.from(c.primary, at)),
    secondary: m.columns.map((c) => (c.secondary ? Float64Array.from(c.secondary, at) : undefined)),
    on: m.columns.map((c) => (c.on ? Uint8Array.from(c.on, (col) => (x[col] > 0.5 ? 1 : 0)) : undefined)),
    shortfall: m.shortfall ? Float64Array.from(m.shortfall, at) : new Float64Array(n),
    feederShortfall: m.feederShortfall.map((s) => (s ? Float64Array.from(s, at) : undefined)),
    targetDual: lp.rowDuals ? (duals(m.targetRows, lp) ?? new Float64Array(n)) : null,
    feederCapDual: lp.rowDuals ? m.feederCapRows.map((rows) => duals(rows, lp)) : null,
  };
}

/**
 * The plan that dispatches nothing: every request allows it (batteries keep their charge, no call is made), and it
 * leaves the whole target and every cap excess as shortfall. What a solve stopped by its time limit before any plan
 * returns.
 */
export function idlePlan(p: DispatchProblem, lowerBound: number | null, seconds: number): DispatchSolution {
  const n = p.hours.length;
  const shortfall = Float64Array.from({ length: n }, (_, t) => Math.max(0, p.targetKW?.[t] ?? 0));
  const feederShortfall = p.feeders.map((f) =>
    f.capKW && f.forecastKW
      ? Float64Array.from({ length: n }, (_, t) => Math.max(0, f.forecastKW![t] - f.capKW![t]))
      : undefined,
  );
  let objective = 0;
  for (let t = 0; t < n; t++) {
    objective += p.penaltyPerKWh * p.hours[t] * shortfall[t];
    for (const fs of feederShortfall) if (fs) objective += p.penaltyPerKWh * p.hours[t] * fs[t];
  }
  const storing = (k: string) => k === 'battery' || k === 'ev';
  return {
    status: 'feasible',
    backend: 'highs',
    method: 'full-model',
    mip: p.resources.some((r) => r.callDecisions),
    objective,
    primary: p.resources.map(() => new Float64Array(n)),
    secondary: p.resources.map((r) => (storing(r.resource.kind) ? new Float64Array(n) : undefined)),
    on: p.resources.map((r) => (r.callDecisions ? new Uint8Array(n) : undefined)),
    shortfall,
    feederShortfall,
    targetDual: null,
    feederCapDual: null,
    timeLimit: { seconds, lowerBound },
  };
}

/**
 * The whole request as one model; throws UF_ERR_INTERNAL if the backend fails. Under a time limit (the whole solve's,
 * see mip.ts) a plan the limit stopped carries `timeLimit`; a limit reached before any plan gives the idle plan.
 */
export async function solveFullModel(p: DispatchProblem, options: LpSolveOptions): Promise<DispatchSolution> {
  const m = buildDispatchModel(p);
  const lp = m.lp.numIntegers > 0 ? await solveDispatchMip(p, m, options) : await solveLp(m.lp, options);
  const seconds = options.timeLimitSeconds ?? 0;
  if (lp.timeLimitReached && lp.status !== 'optimal') {
    if (lp.status !== 'feasible') return idlePlan(p, null, seconds);
    const lowerBound = lp.mipGap !== undefined ? lp.objective - lp.mipGap * Math.abs(lp.objective) : null;
    return { ...solutionOf(p, m, lp), timeLimit: { seconds, lowerBound } };
  }
  if (lp.status !== 'optimal' && lp.status !== 'feasible') {
    // Every request has the all-zero dispatch with shortfall as a feasible plan, so this is a solver failure.
    throw new UrbanflowError(
      'UF_ERR_INTERNAL',
      `dispatch solve failed: ${lp.backend} reported ${lp.status}${lp.message ? ` (${lp.message})` : ''}`,
      { backend: lp.backend, status: lp.status },
    );
  }
  return solutionOf(p, m, lp);
}
