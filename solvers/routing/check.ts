// Independent feasibility check and cost recomputation for routing solutions; shares no code with the solver.
import type { CvrpInstance } from './instance.js';

export interface CheckReport {
  readonly feasible: boolean;
  /** Travel cost recomputed from the matrix. */
  readonly cost: number;
  readonly violations: string[];
}

/**
 * Checks that every customer is visited exactly once, each route keeps to capacity and the duration limit, starts
 * service within every time window (waiting when early) and is back before the depot closes, and that no more
 * routes are used than there are vehicles.
 */
export function checkSolution(inst: CvrpInstance, routes: readonly (readonly number[])[]): CheckReport {
  const violations: string[] = [];
  const n = inst.n;
  const side = n + 1;
  const seen = new Array<number>(side).fill(0);
  let total = 0;
  routes.forEach((route, r) => {
    if (route.length === 0) violations.push(`route ${r} is empty`);
    let demand = 0;
    let length = 0;
    let service = 0;
    const stops = [0, ...route, 0];
    for (let i = 1; i < stops.length; i++) {
      const a = stops[i - 1];
      const b = stops[i];
      if (!Number.isInteger(b) || b < 0 || b > n || (b === 0 && i < stops.length - 1)) {
        violations.push(`route ${r} visits ${b}, which is not a customer 1..${n}`);
        return;
      }
      length += inst.dist[a * side + b];
    }
    for (const c of route) {
      seen[c] += 1;
      demand += inst.demand[c];
      service += inst.service[c];
    }
    if (demand > inst.capacity + 1e-9) violations.push(`route ${r} carries ${demand}, above capacity ${inst.capacity}`);
    if (length + service > inst.maxDuration + 1e-6)
      violations.push(`route ${r} lasts ${length + service}, above the limit ${inst.maxDuration}`);
    let clock = inst.readyTime[0];
    for (let i = 1; i < stops.length; i++) {
      const node = stops[i];
      const arrival = clock + inst.dist[stops[i - 1] * side + node];
      const begin = Math.max(arrival, inst.readyTime[node]);
      if (begin > inst.dueTime[node] + 1e-6) {
        violations.push(
          node === 0
            ? `route ${r} returns to the depot at ${begin}, after it closes at ${inst.dueTime[0]}`
            : `route ${r} reaches customer ${node} at ${begin}, after its window closes at ${inst.dueTime[node]}`,
        );
      }
      clock = begin + inst.service[node];
    }
    total += length;
  });
  if (routes.length > inst.maxVehicles)
    violations.push(`${routes.length} routes, more than the ${inst.maxVehicles} vehicles`);
  for (let c = 1; c <= n; c++) {
    if (seen[c] !== 1) violations.push(`customer ${c} is visited ${seen[c]} times`);
  }
  return { feasible: violations.length === 0, cost: total, violations };
}
