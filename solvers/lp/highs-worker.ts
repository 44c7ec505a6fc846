// Worker-thread entry for HiGHS solves: one Wasm runtime per thread, loaded once, then one model per task.
import { highsOnThisThread } from './highs-module.js';
import { solveOnHighs, type HighsSolveOptions } from './highs-solve.js';
import type { LpModel } from './model.js';
import type { LpResult } from './result.js';

export interface HighsTask {
  readonly model: LpModel;
  readonly options: HighsSolveOptions;
}

const highs = await highsOnThisThread();

export default function solveTask(task: HighsTask): LpResult {
  return solveOnHighs(highs, task.model, task.options);
}
