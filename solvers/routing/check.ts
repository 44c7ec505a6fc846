// Independent feasibility check and cost recomputation for routing solutions; shares no code with the solver.
import type { CvrpInstance } from './instance.js';

export interface CheckReport {
  readonly feasible: boolean;
  /** The objective recomputed from the matrix: distance, or Σ (fixed + unit distance cost × distance) on a mixed fleet. */
  readonly cost: number;
  /** Total distance recomputed from the matrix. */
  readonly distance: number;
  /** The violations that are routes beyond the fleet (also in `violations`): a result may be reported with them. */
  readonly fleetViolations: string[];
  readonly violations: string[];
}

/**
 * Checks that every customer is visited exactly once, each route keeps to capacity and the duration limit, starts
 * service within every time window (waiting when early) and is back before the depot closes, and that no more
 * routes are used than there are vehicles. With a mixed fleet `vehicleTypes[r]` names the type driving route r: its
 * capacity binds, no type drives more routes than its count, and the cost counts its fixed and per-distance cost.
 */
export function checkSolution(
  inst: CvrpInstance,
  routes: readonly (readonly number[])[],
  vehicleTypes?: readonly number[],
): CheckReport {
  const violations: string[] = [];
  const fleet = inst.vehicleTypes;
  if (!vehicleTypes && fleet.length > 1)
    violations.push('the fleet has several vehicle types but no route names its type');
  if (vehicleTypes && vehicleTypes.length !== routes.length)
    violations.push(`${routes.length} routes but ${vehicleTypes.length} vehicle types`);
  const usedOfType = fleet.map(() => 0);
  let objective = 0;
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
    const k = vehicleTypes ? vehicleTypes[r] : 0;
    const type = fleet[k];
    if (!type) {
      violations.push(`route ${r} names vehicle type ${k}, which is not a type 0..${fleet.length - 1}`);
      return;
    }
    usedOfType[k]++;
    if (demand > type.capacity + 1e-9)
      violations.push(
        `route ${r} carries ${demand}, above capacity ${type.capacity}${fleet.length > 1 ? ` of its vehicle type ${type.name}` : ''}`,
      );
    objective += route.length > 0 ? type.fixedCost + type.unitDistanceCost * length : 0;
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
  const fleetViolations: string[] = [];
  if (routes.length > inst.maxVehicles)
    fleetViolations.push(`${routes.length} routes, more than the ${inst.maxVehicles} vehicles`);
  fleet.forEach((t, k) => {
    if (usedOfType[k] > t.count && fleet.length > 1)
      fleetViolations.push(`${usedOfType[k]} routes driven by ${t.name}, more than its ${t.count} vehicles`);
  });
  violations.push(...fleetViolations);
  for (let c = 1; c <= n; c++) {
    if (seen[c] !== 1) violations.push(`customer ${c} is visited ${seen[c]} times`);
  }
  return {
    feasible: violations.length === 0,
    cost: inst.mixedFleet ? objective : total,
    distance: total,
    violations,
    fleetViolations,
  };
}
