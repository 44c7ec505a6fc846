// Public surface of the routing solvers: VRPLIB reading, the CVRP metaheuristic and the independent checker.
export { makeInstance, euclideanMatrix, type CvrpInstance, type VehicleType } from './instance.js';
export { parseVrplib, conventionalRounding, type EdgeRounding, type VrplibInstance } from './vrplib.js';
export { solveCvrp, type SolveOptions, type SolveResult } from './solve.js';
export { checkSolution, type CheckReport } from './check.js';
export { parseSolution } from './solution-file.js';
export * from './collection/index.js';
export { parseSolomon, isSolomonText } from './solomon.js';
export { parseInstance, type InstanceFormat } from './read-instance.js';
export { routeTimeWarp } from './time-warp.js';
