// Worker-thread entry for HiGHS solves: one Wasm runtime per thread, loaded once, then one model per task.
import { loadHighs, solveOnHighs } from './highs-solve.js';
import type { LpModel } from './model.js';
import type { LpResult, LpSolveOptions } from './result.js';

export interface HighsTask {
  readonly model: LpModel;
  readonly options: LpSolveOptions;
}

const highs = await loadHighs();

export default function solveTask(task: HighsTask): LpResult {
  return solveOnHighs(highs, task.model, task.options);
}
