// What a dispatch solve produces before it becomes a plan: values per resource and interval, whichever method solved it.
import type { LpBackendName } from '../lp/index.js';
import { NUMERICAL_REASONS } from './decomposition/numerical-error.js';

export type DispatchMethod = 'full-model' | 'decomposition';

/** Statistics of a decomposition solve (counts; times only when the caller passed a clock). */
export interface DecompositionStats {
  readonly rounds: number;
  readonly columns: number;
  readonly masterIterations: number;
  /** Lagrangian lower bound proving the optimum (LP) or the MIP's bound. */
  readonly lowerBound: number;
  /** Threads that priced the blocks (2: half of them on a second thread). */
  readonly pricingThreads: number;
  readonly masterMs?: number;
  readonly oracleMs?: number;
}

export interface DispatchSolution {
  readonly status: 'optimal' | 'feasible';
  readonly backend: LpBackendName | 'decomposition';
  readonly method: DispatchMethod;
  readonly mip: boolean;
  readonly mipGap?: number;
  readonly objective: number;
  /** Per resource: primary column per interval (discharge, shed, deferral, curtailment). */
  readonly primary: readonly Float64Array[];
  /** Per resource: battery charging or EV catch-up per interval; undefined for other kinds. */
  readonly secondary: readonly (Float64Array | undefined)[];
  /** Per resource: net reduction per interval, where the method has it at hand (the plan reader computes it otherwise). */
  readonly net?: readonly Float64Array[];
  /** Per resource: battery state of charge or EV energy owed per interval, likewise. */
  readonly state?: readonly (Float64Array | undefined)[];
  /** Per resource with call decisions: on (1) or off (0) per interval. */
  readonly on: readonly (Uint8Array | undefined)[];
  /** Unmet system target per interval (0 where there is no target). */
  readonly shortfall: Float64Array;
  /** Per feeder: load above its cap per interval; undefined for feeders without a cap. */
  readonly feederShortfall: readonly (Float64Array | undefined)[];
  /** Duals of the target rows per interval (cost per kW over the interval), null when the method gives none. */
  readonly targetDual: Float64Array | null;
  readonly feederCapDual: readonly (Float64Array | undefined)[] | null;
  readonly decomposition?: DecompositionStats;
  /** Present when the time budget ran out first: the plan is the best found, `lowerBound` the best proven bound. */
  readonly timeLimit?: TimeLimitReached;
}

export interface TimeLimitReached {
  readonly seconds: number;
  /** Lower bound on the optimal objective proven when the budget ran out; null if none was yet. */
  readonly lowerBound: number | null;
}

/**
 * Why a problem meant for the decomposition was solved by the full model: numerical trouble in its simplexes, column
 * generation that stopped short of its optimum, a MIP gap it did not prove, or a plan the checker rejected.
 */
export const DECOMPOSITION_FALLBACK_REASONS = [
  ...NUMERICAL_REASONS,
  'not-converged',
  'gap-not-proven',
  'plan-rejected',
] as const;
export type DecompositionFallbackReason = (typeof DECOMPOSITION_FALLBACK_REASONS)[number];

export interface DecompositionFallback {
  readonly reason: DecompositionFallbackReason;
  readonly message: string;
}

/** A decomposition solve's answer: its solution, or why the full model has to solve the problem instead. */
export type DecompositionOutcome =
  { readonly solution: DispatchSolution } | { readonly fallback: DecompositionFallback };
