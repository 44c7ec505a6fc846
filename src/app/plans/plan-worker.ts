// Piscina worker entry: signal plans and collection routes solved off the event loop that serves the API.
import { runPlanTask, type PlanTask } from './plan-task.js';

export default function planTask(task: PlanTask) {
  return runPlanTask(task, () => performance.now());
}
