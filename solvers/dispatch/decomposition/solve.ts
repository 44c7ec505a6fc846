// Solves a dispatch LP by column generation and reads the master's mix back into per-resource values.
import type { DispatchProblem } from '../problem.js';
import type { DispatchSolution } from '../solution.js';
import { solveByColumnGeneration } from './colgen.js';

export interface DecomposeOptions {
  /** For per-phase timings in the statistics. */
  readonly clock?: () => number;
  /** Intervals merged per interval of the seeding coarse solve (0 or 1: no coarse solve). */
  readonly coarseFactor?: number;
  /** Pricing threads: 2 prices half of the blocks on a second thread (when a compiled build can start one). */
  readonly threads?: number;
}

/** Whether column generation can solve the problem exactly: LPs only (call decisions make a MIP). */
export function canDecompose(p: DispatchProblem): boolean {
  return p.resources.every((r) => !r.callDecisions);
}

const DEFAULT_COARSE_FACTOR = 8;
/** The machines urbanflow runs on have two cores; the master and half the pricing use one, the other half the second. */
const DEFAULT_THREADS = 2;

/** The LP optimum by column generation, or undefined if it did not prove one (the caller then solves the full model). */
export function solveDecomposed(p: DispatchProblem, options: DecomposeOptions = {}): DispatchSolution | undefined {
  let r: ReturnType<typeof solveByColumnGeneration>;
  try {
    r = solveByColumnGeneration(p, { coarseFactor: DEFAULT_COARSE_FACTOR, threads: DEFAULT_THREADS, ...options });
  } catch {
    // a numerical failure of the specialised simplex: the full model is the safe answer
    return undefined;
  }
  if (!r.optimal) return undefined;
  const { stats } = r;
  return {
    status: 'optimal',
    backend: 'decomposition',
    method: 'decomposition',
    mip: false,
    objective: r.objective,
    primary: r.primary,
    secondary: r.secondary,
    on: p.resources.map(() => undefined),
    shortfall: r.shortfall,
    feederShortfall: r.feederShortfall,
    targetDual: r.targetDual,
    feederCapDual: r.feederCapDual,
    decomposition: {
      rounds: stats.rounds + r.coarseRounds,
      columns: stats.columns,
      masterIterations: stats.masterIterations,
      lowerBound: r.lowerBound,
      ...(options.clock ? { masterMs: Math.round(stats.masterMs), oracleMs: Math.round(stats.oracleMs) } : {}),
    },
  };
}
