// Public surface of the dispatch decomposition: exact column generation over DR resources for large LPs.
export { canDecompose, solveDecomposed, type DecomposeOptions } from './solve.js';
export { closeDecompositionPool, runDecomposition, warmUpDecomposition } from './pool.js';
