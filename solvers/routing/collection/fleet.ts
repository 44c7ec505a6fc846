// A collection request's fleet as individual trucks: the listed trucks plus `count` trucks of each vehicle type.
import { inputError } from '../../../src/errors.js';
import type { CollectionRequest, CollectionTruck } from './types.js';

export function fleetOf(req: CollectionRequest): CollectionTruck[] {
  const trucks: CollectionTruck[] = [...req.trucks];
  (req.vehicleTypes ?? []).forEach((t, i) => {
    if (!Number.isInteger(t.count) || t.count < 0)
      throw inputError(`vehicleTypes[${i}] (${t.id}): count must be a non-negative integer`, {
        field: `vehicleTypes[${i}].count`,
      });
    const { count: _count, id, ...truck } = t;
    for (let k = 1; k <= t.count; k++) trucks.push({ ...truck, id: `${id}-${k}`, vehicleType: id });
  });
  const seen = new Set<string>();
  trucks.forEach((t, i) => {
    if (seen.has(t.id))
      throw inputError(`truck id "${t.id}" is used twice (trucks and vehicleTypes expand to ids type-1, type-2, ...)`, {
        field: `trucks[${i}]`,
      });
    seen.add(t.id);
    for (const field of ['fixedCost', 'costPerKm'] as const) {
      const v = t[field];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        throw inputError(`truck ${t.id}: ${field} must be a non-negative number`, { field });
    }
  });
  return trucks;
}

/** True when some truck names a cost: the plan then minimises cost rather than finishing each truck early. */
export function hasCosts(trucks: readonly CollectionTruck[]): boolean {
  return trucks.some((t) => t.fixedCost !== undefined || t.costPerKm !== undefined);
}

export function truckCost(t: CollectionTruck, km: number): number {
  return (t.fixedCost ?? 0) + (t.costPerKm ?? 1) * km;
}

/** More trucks than any depot runs: each takes part in every trip's placement. */
const MAX_TRUCKS = 1000;

/** What no schema can say about a request's fleet and hours, checked before planning (a 422 naming the field). */
export function checkFleetRules(req: CollectionRequest): CollectionTruck[] {
  const fleet = fleetOf(req);
  if (fleet.length === 0)
    throw inputError('trucks: at least one truck is needed to plan collection (in trucks or vehicleTypes)', {
      field: 'trucks',
    });
  if (fleet.length > MAX_TRUCKS)
    throw inputError(`trucks: ${fleet.length} trucks with vehicleTypes expanded; a plan takes at most ${MAX_TRUCKS}`, {
      field: 'vehicleTypes',
    });
  const hours = req.depot.openingHours;
  if (hours && !(hours.end > hours.start))
    throw inputError(`depot.openingHours: closes (${hours.end}) before it opens (${hours.start})`, {
      field: 'depot.openingHours',
    });
  return fleet;
}
