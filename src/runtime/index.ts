// The solver runtime: solver threads, the task envelope they take and the error shape that comes back.
export { SolverRuntime, type SolverRuntimeOptions } from './solver-runtime.js';
export { startSolverResources, type SolverResources } from './solver-resources.js';
export { fromTaskError, toTaskError, type TaskError } from './task-error.js';
export * from './task.js';
