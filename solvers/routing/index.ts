// Public surface of the routing solvers: VRPLIB reading, the CVRP metaheuristic and the independent checker.
export { makeInstance, euclideanMatrix, solutionCost, type CvrpInstance, type CvrpSolution } from './instance.js';
export { parseVrplib, conventionalRounding, type EdgeRounding, type VrplibInstance } from './vrplib.js';
export { solveCvrp, type SolveOptions, type SolveResult } from './solve.js';
export { checkSolution, type CheckReport } from './check.js';
export { parseSolution } from './solutionFile.js';
export * from './collection/index.js';
