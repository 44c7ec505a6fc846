// Worker-thread entry of a decomposition solve; the thread owns its second pricing thread and keeps it between solves.
import {
  PricingThread,
  solveDecompositionTask,
  type DecompositionOutcome,
  type DecompositionTask,
} from '../../solvers/dispatch/index.js';
import { workerFile } from '../worker-file.js';

const PRICING_THREAD_FILE = workerFile(import.meta.url, '../../solvers/dispatch/decomposition/pricing-thread.js');

let pricing: PricingThread | undefined;

export default function solveTask(task: DecompositionTask): DecompositionOutcome {
  // a pricing thread that died is replaced; the solve it failed fell back to the full model with that reason
  if (!pricing?.running) pricing = PricingThread.start(PRICING_THREAD_FILE);
  return solveDecompositionTask(task, pricing);
}
