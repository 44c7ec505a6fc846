// Public surface of the dispatch decomposition: exact column generation over DR resources for large LPs.
export { canDecompose, solveDecomposed, type DecomposeOptions } from './solve.js';
export {
  DECOMPOSITION_ON_THIS_THREAD,
  solveDecompositionTask,
  warmUpDecomposition,
  type DecompositionExecutor,
  type DecompositionTask,
} from './pool.js';
export { PricingThread } from './remote-pricer.js';
export { DecompositionNumericalError, type NumericalReason } from './numerical-error.js';
