// The one failure the decomposition recovers from: numerical trouble in its own simplexes, after which the full model is the safe answer.

/**
 * What went wrong, as a stable code the plan and the metric carry: a basis whose pivot fell below the tolerance
 * (`singular-basis`); the master or a block's mixing LP finding a ray although shortfall columns bound it (`unbounded`);
 * a master row no unit column can make feasible (`infeasible-master`); a block's row generation that did not reach its
 * optimum within its iteration limit (`no-convergence`); the second pricing thread silent or dead (`pricing-thread-stopped`).
 */
export const NUMERICAL_REASONS = [
  'singular-basis',
  'unbounded',
  'infeasible-master',
  'no-convergence',
  'pricing-thread-stopped',
] as const;
export type NumericalReason = (typeof NUMERICAL_REASONS)[number];

/**
 * Thrown where the decomposition detects numerical trouble; `solveDecomposed` catches this class only and reports the
 * fallback to the full model with its reason. Any other exception is a bug and propagates.
 */
export class DecompositionNumericalError extends Error {
  constructor(
    readonly reason: NumericalReason,
    message: string,
  ) {
    super(message);
    this.name = 'DecompositionNumericalError';
  }
}
