// EV deadlines in wall-clock time: from which interval an EV fleet may owe no deferred energy, for every model of a request.
import type { DispatchProblem } from './problem.js';

/**
 * The first interval at whose end an EV fleet may owe nothing more: every deferred kWh is caught up by the deadline,
 * so the energy owed is zero from the last interval ending at or before it (the first interval when none does). A
 * deadline at the event's end is inside the plan: nothing may be owed when it ends. A later deadline leaves the
 * catch-up to after the plan (returns n).
 */
export function owedClearFrom(p: Pick<DispatchProblem, 'endMs'>, deadlineMs: number): number {
  const n = p.endMs.length;
  if (deadlineMs > p.endMs[n - 1]) return n;
  let t = 0;
  while (t + 1 < n && p.endMs[t + 1] <= deadlineMs) t++;
  return p.endMs[t] > deadlineMs ? 0 : t;
}
