// Solves a dispatch LP by column generation, or a MIP by a column generation bound and a fixed-call LP.
import { repairCalls } from '../call-pattern.js';
import type { DispatchProblem } from '../problem.js';
import type { DecompositionFallback, DecompositionOutcome, DecompositionStats, DispatchSolution } from '../solution.js';
import { blockOf } from './block.js';
import { solveByColumnGeneration, type ColgenResult } from './colgen.js';
import { DecompositionNumericalError } from './numerical-error.js';
import { supportsCalls } from './oracle.js';
import type { PricingThread } from './remote-pricer.js';

export interface DecomposeOptions {
  /** For per-phase timings in the statistics. */
  readonly clock?: () => number;
  /** Intervals merged per interval of the seeding coarse solve (0 or 1: no coarse solve). */
  readonly coarseFactor?: number;
  /** Pricing threads: 2 prices half of the blocks on `pricingThread` when one is given. */
  readonly threads?: number;
  /** The second pricing thread, owned by the caller (the solver runtime); without it pricing stays on this thread. */
  readonly pricingThread?: PricingThread;
  /** The gap a MIP should be proven within (default 1e-4): the column generation's bound is taken to a quarter of it. */
  readonly mipRelGap?: number;
  /**
   * Time budget (needs `clock`): when it runs out the master's current plan, always feasible, is returned with the
   * best bound found (`timeLimit` in the solution). A MIP's bound stops at three quarters of it, so that the
   * fixed-call LP has at least a quarter to turn the bound's calls into a plan.
   */
  readonly timeLimitMs?: number;
}

/** Share of the budget kept for a MIP's fixed-call LP. */
const FIXED_CALLS_SHARE = 0.25;

/** Whether column generation solves the problem: every LP, and MIPs whose call decisions have an exact best response. */
export function canDecompose(p: DispatchProblem): boolean {
  return p.resources.every((r, i) => !r.callDecisions || supportsCalls(blockOf(p, i)));
}

const DEFAULT_COARSE_FACTOR = 8;
/** The machines urbanflow runs on have two cores; the master and half the pricing use one, the other half the second. */
const DEFAULT_THREADS = 2;
const DEFAULT_MIP_REL_GAP = 1e-4;

type Run = ColgenResult & { readonly coarseRounds: number; readonly threads: number };

/** A run, or why the full model has to take over: numerical trouble (caught by its class only) or a stop short of the optimum. */
function run(
  p: DispatchProblem,
  options: DecomposeOptions,
  extra: Parameters<typeof solveByColumnGeneration>[1] = {},
): Run | DecompositionFallback {
  try {
    const r = solveByColumnGeneration(p, {
      coarseFactor: DEFAULT_COARSE_FACTOR,
      threads: DEFAULT_THREADS,
      ...options,
      ...extra,
    });
    return r.optimal || r.timedOut
      ? r
      : {
          reason: 'not-converged',
          message: `column generation stopped after ${r.stats.rounds} rounds without proving its optimum`,
        };
  } catch (err) {
    if (err instanceof DecompositionNumericalError) return { reason: err.reason, message: err.message };
    throw err;
  }
}

function isFallback(r: Run | DecompositionFallback): r is DecompositionFallback {
  return 'reason' in r;
}

function stats(runs: Run[], lowerBound: number, timed: boolean): DecompositionStats {
  const sum = (f: (r: Run) => number) => runs.reduce((s, r) => s + f(r), 0);
  return {
    rounds: sum((r) => r.stats.rounds + r.coarseRounds),
    columns: sum((r) => r.stats.columns),
    masterIterations: sum((r) => r.stats.masterIterations),
    lowerBound,
    pricingThreads: Math.max(...runs.map((r) => r.threads)),
    ...(timed
      ? { masterMs: Math.round(sum((r) => r.stats.masterMs)), oracleMs: Math.round(sum((r) => r.stats.oracleMs)) }
      : {}),
  };
}

function solution(
  p: DispatchProblem,
  r: Run,
  extra: Partial<DispatchSolution> & Pick<DispatchSolution, 'status' | 'mip' | 'objective' | 'on' | 'decomposition'>,
): DispatchSolution {
  return {
    backend: 'decomposition',
    method: 'decomposition',
    primary: r.primary,
    secondary: r.secondary,
    net: r.net,
    state: r.state,
    shortfall: r.shortfall,
    feederShortfall: r.feederShortfall,
    targetDual: extra.mip ? null : r.targetDual,
    feederCapDual: extra.mip ? null : r.feederCapDual,
    ...extra,
  };
}

/**
 * A MIP: column generation with exact call-pattern best responses gives a bound at least as strong as the LP
 * relaxation's (the convex hull of each resource's integer plans); its mix of patterns, repaired for minimum runs
 * and event limits, fixes the calls; the LP that remains, solved by column generation too, gives the plan.
 */
function solveMip(p: DispatchProblem, options: DecomposeOptions): DecompositionOutcome {
  const wanted = options.mipRelGap ?? DEFAULT_MIP_REL_GAP;
  const stopAt = stopTime(options);
  const boundStopAt = stopAt !== undefined ? stopAt - FIXED_CALLS_SHARE * options.timeLimitMs! : undefined;
  const relaxed = run(p, options, {
    relGap: Math.max(1e-7, wanted / 4),
    ...(boundStopAt !== undefined ? { stopAt: boundStopAt } : {}),
  });
  if (isFallback(relaxed)) return { fallback: relaxed };
  const n = p.hours.length;
  const on = p.resources.map((rp, i) =>
    rp.callDecisions ? repairCalls(p, i, relaxed.on[i] ?? new Float64Array(n)) : undefined,
  );
  const primaryLo = p.resources.map((rp, i) => {
    const r = rp.resource;
    const pattern = on[i];
    return pattern && r.kind === 'industrial' ? Float64Array.from(pattern, (o) => (o ? (r.minKW ?? 0) : 0)) : undefined;
  });
  const primaryHi = p.resources.map((rp, i) => {
    const pattern = on[i];
    if (!pattern) return undefined;
    const free = blockOf(p, i).primaryHi;
    return Float64Array.from(pattern, (o, t) => (o ? free[t] : 0));
  });
  // the relaxation's prices are close to the fixed problem's: they seed it instead of a coarse solve
  // The relaxation's plans that follow the fixed calls (and all plans of resources without calls) are feasible here.
  const seedPlans = (i: number) =>
    relaxed.plans(i).flatMap((pl) => {
      const pattern = on[i];
      if (!pattern) return [pl];
      if (!pl.on || pl.on.some((o, t) => o !== pattern[t])) return [];
      return [{ primary: pl.primary, ...(pl.secondary ? { secondary: pl.secondary } : {}), callCost: 0 }];
    });
  const fixed = run(p, options, {
    primaryLo,
    primaryHi,
    seedDuals: relaxed.duals,
    seedPlans,
    heldRows: relaxed.heldRows,
    ...(stopAt !== undefined ? { stopAt } : {}),
  });
  if (isFallback(fixed)) return { fallback: fixed };
  let callCost = 0;
  p.resources.forEach((rp, i) => {
    const pattern = on[i];
    if (pattern)
      for (let t = 0; t < n; t++)
        if (pattern[t] && (t === 0 || !pattern[t - 1])) callCost += rp.resource.costPerCall ?? 0;
  });
  const objective = fixed.objective + callCost;
  // before any bound (a budget spent in the first master solve) nothing is proven: a gap of 100 %
  const gap = Number.isFinite(relaxed.lowerBound)
    ? Math.max(0, (objective - relaxed.lowerBound) / Math.max(Math.abs(objective), 1e-9))
    : 1;
  const timeLimit = relaxed.timedOut || fixed.timedOut ? limitReached(options, relaxed.lowerBound) : {};
  return {
    solution: solution(p, fixed, {
      status: 'feasible',
      mip: true,
      mipGap: gap,
      objective,
      on,
      ...timeLimit,
      decomposition: stats([relaxed, fixed], relaxed.lowerBound, options.clock !== undefined),
    }),
  };
}

function stopTime(options: DecomposeOptions): number | undefined {
  return options.timeLimitMs !== undefined && options.clock ? options.clock() + options.timeLimitMs : undefined;
}

/** The budget and the bound a plan stopped by it is proven against (null before any bound was found). */
function limitReached(options: DecomposeOptions, lowerBound: number): Pick<DispatchSolution, 'timeLimit'> {
  return {
    timeLimit: { seconds: options.timeLimitMs! / 1000, lowerBound: Number.isFinite(lowerBound) ? lowerBound : null },
  };
}

/**
 * The LP optimum, or a MIP plan with its proven gap, by column generation; or, after numerical trouble or a stop short
 * of the optimum, the reason the caller has to solve the full model instead. Any other exception propagates.
 */
export function solveDecomposed(p: DispatchProblem, options: DecomposeOptions = {}): DecompositionOutcome {
  if (p.resources.some((r) => r.callDecisions)) return solveMip(p, options);
  const stopAt = stopTime(options);
  const r = run(p, options, stopAt !== undefined ? { stopAt } : {});
  if (isFallback(r)) return { fallback: r };
  const status = r.optimal ? 'optimal' : 'feasible';
  const timeLimit = r.timedOut ? limitReached(options, r.lowerBound) : {};
  return {
    solution: solution(p, r, {
      status,
      mip: false,
      objective: r.objective,
      on: p.resources.map(() => undefined),
      ...timeLimit,
      decomposition: stats([r], r.lowerBound, options.clock !== undefined),
    }),
  };
}
