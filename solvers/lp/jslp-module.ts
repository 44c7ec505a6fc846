// The one ESM shim for javascript-lp-solver: Node loads its ESM build, whose default export is the solver, while the
// CommonJS-flavoured typings place it one `.default` deeper.
import * as jslp from 'javascript-lp-solver';
import type { SolverAPI } from 'javascript-lp-solver';

const namespaceDefault = (jslp as unknown as { default: SolverAPI | { default: SolverAPI } }).default;

export const jsLpSolver: SolverAPI = 'Solve' in namespaceDefault ? namespaceDefault : namespaceDefault.default;
export type { SolveResult } from 'javascript-lp-solver';
