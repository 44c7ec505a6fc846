// Piscina worker entry: fits a batch of series off the event loop; one series' bad data fails only that series.
import { threadId } from 'node:worker_threads';
import { isUrbanflowError } from '../../errors.js';
import { runFit, type FitOutcome, type FitTask } from './fit-task.js';

export default function refitBatch(tasks: FitTask[]): FitOutcome[] {
  return tasks.map((task) => {
    const started = performance.now();
    try {
      const model = runFit(task);
      const fitMs = performance.now() - started;
      return { kind: task.kind, id: task.id, ok: true, model, modelJson: JSON.stringify(model), fitMs, threadId };
    } catch (err) {
      const code = isUrbanflowError(err) ? err.code : 'UF_ERR_INTERNAL';
      return { kind: task.kind, id: task.id, ok: false, code, message: (err as Error).message, threadId };
    }
  });
}
