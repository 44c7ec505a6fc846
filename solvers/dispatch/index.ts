// Public surface of demand-response dispatch: validate a request once, then solve it into a plan.
export { checkDispatchInput, checkDispatchRules, checkDispatchSchema, validateDispatchRequest } from './validate.js';
export { dispatchProblem } from './resolve.js';
export { checkDispatchPlan } from './check.js';
export { chooseMethod, DECOMPOSE_FROM, solveDispatch, type DispatchSolveOptions } from './solve.js';
export {
  DECOMPOSITION_ON_THIS_THREAD,
  DecompositionNumericalError,
  PricingThread,
  solveDecompositionTask,
  warmUpDecomposition,
  type DecompositionExecutor,
  type DecompositionTask,
} from './decomposition/index.js';
export { buildDispatchModel, type DispatchModel } from './build.js';
export type { DispatchProblem } from './problem.js';
export type { DispatchPlan, FeederPlan, ResourcePlan } from './plan.js';
export { DECOMPOSITION_FALLBACK_REASONS } from './solution.js';
export type {
  DecompositionFallback,
  DecompositionFallbackReason,
  DecompositionOutcome,
  DecompositionStats,
  DispatchMethod,
} from './solution.js';
export type { OpenAdrEvent } from './openadr.js';
export * from './request.js';
