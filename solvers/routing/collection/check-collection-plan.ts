// Independent check of a collection plan against its request: recomputes loads, times and distances from the raw data.
import type { CollectionPlan, CollectionRequest, CollectionTruck, LatLon } from './types.js';

/** Returns the violations found; an empty list means the plan is feasible and complete. */
export function checkCollectionPlan(req: CollectionRequest, plan: CollectionPlan): string[] {
  const out: string[] = [];
  const bins = new Map(req.bins.map((b) => [b.id, b]));
  const sites = new Map(req.disposalSites.map((s) => [s.id, s]));
  // The fleet is expanded here on its own (not with the planner's code): type T of count 2 is trucks T-1 and T-2.
  const fleet: CollectionTruck[] = [...req.trucks];
  for (const type of req.vehicleTypes ?? []) {
    for (let k = 1; k <= type.count; k++) fleet.push({ ...type, id: `${type.id}-${k}`, vehicleType: type.id });
  }
  const trucks = new Map(fleet.map((t) => [t.id, t]));
  const usedTrucks = new Set<string>();
  const open = Math.max(req.shiftStart, req.depot.openingHours?.start ?? -Infinity);
  const closing = req.depot.openingHours?.end ?? Infinity;
  let planCost = 0;
  let planKm = 0;
  const served = new Map<string, number>();
  const factor = req.detourFactor ?? 1.3;
  const speed = req.speedKmh ?? 25;
  const minutesBetween = (a: string, pa: LatLon, b: string, pb: LatLon): number => {
    if (req.matrix) {
      const ia = req.matrix.ids.indexOf(a);
      const ib = req.matrix.ids.indexOf(b);
      return ia === ib ? 0 : (req.matrix.minutes[ia][ib] ?? Infinity);
    }
    return ((greatCircleKm(pa, pb) * factor) / speed) * 60;
  };
  const kmBetween = (a: string, pa: LatLon, b: string, pb: LatLon): number => {
    if (req.matrix) {
      const ia = req.matrix.ids.indexOf(a);
      const ib = req.matrix.ids.indexOf(b);
      return ia === ib ? 0 : (req.matrix.km[ia][ib] ?? Infinity);
    }
    return greatCircleKm(pa, pb) * factor;
  };
  for (const t of plan.trucks) {
    const truck = trucks.get(t.truck);
    if (!truck) {
      out.push(`unknown truck ${t.truck}`);
      continue;
    }
    if (usedTrucks.has(t.truck)) out.push(`truck ${t.truck} has two plans (one truck, one day)`);
    usedTrucks.add(t.truck);
    if ((t.vehicleType ?? undefined) !== truck.vehicleType)
      out.push(`${t.truck}: reported vehicle type ${t.vehicleType} is not its type ${truck.vehicleType}`);
    const first = t.stops[0];
    const last = t.stops[t.stops.length - 1];
    if (first?.kind !== 'depot' || last?.kind !== 'depot' || first.id !== req.depot.id || last.id !== req.depot.id)
      out.push(`${t.truck}: does not start and end at depot ${req.depot.id}`);
    if (last && first && last.arrival - first.departure > truck.shiftMinutes + 1e-6)
      out.push(`${t.truck}: shift of ${last.arrival - first.departure} minutes exceeds ${truck.shiftMinutes}`);
    if (first && first.departure + 1e-6 < open)
      out.push(`${t.truck}: leaves the depot at ${first.departure}, before the day starts at ${open}`);
    if (last && last.arrival > closing + 1e-6)
      out.push(`${t.truck}: returns at ${last.arrival}, after the depot closes at ${closing}`);
    let m3 = 0;
    let kg = 0;
    let km = 0;
    for (let k = 1; k < t.stops.length; k++) {
      const prev = t.stops[k - 1];
      const s = t.stops[k];
      const drive = minutesBetween(prev.id, prev.location, s.id, s.location);
      km += kmBetween(prev.id, prev.location, s.id, s.location);
      if (s.arrival + 1e-6 < prev.departure + drive)
        out.push(`${t.truck}: reaches ${s.id} at ${s.arrival}, before ${prev.departure} + ${drive} minutes of driving`);
      if (s.kind === 'bin') {
        const bin = bins.get(s.id);
        if (!bin) {
          out.push(`${t.truck}: unknown bin ${s.id}`);
          continue;
        }
        served.set(s.id, (served.get(s.id) ?? 0) + 1);
        m3 += (bin.fill * bin.volumeL) / 1000;
        kg += (bin.fill * bin.volumeL * bin.densityKgPerM3) / 1000;
        if (m3 > truck.capacityM3 + 1e-9 || kg > truck.capacityKg + 1e-6)
          out.push(`${t.truck}: over capacity after bin ${s.id} (${m3} m3, ${kg} kg)`);
        if (Math.abs(s.loadM3 - m3) > 1e-6 || Math.abs(s.loadKg - kg) > 1e-6)
          out.push(`${t.truck}: reported load after ${s.id} is wrong`);
        if (bin.timeWindow && s.arrival > bin.timeWindow.end + 1e-6)
          out.push(`${t.truck}: reaches ${s.id} at ${s.arrival}, after its window closes at ${bin.timeWindow.end}`);
        const begin = Math.max(s.arrival, bin.timeWindow?.start ?? -Infinity);
        if (s.departure + 1e-6 < begin + bin.serviceSeconds / 60)
          out.push(`${t.truck}: leaves ${s.id} before its service is done`);
      } else if (s.kind === 'disposal') {
        const site = sites.get(s.id);
        if (!site) out.push(`${t.truck}: unknown disposal site ${s.id}`);
        else if (s.departure + 1e-6 < s.arrival + site.unloadMinutes)
          out.push(`${t.truck}: leaves ${s.id} before unloading`);
        m3 = 0;
        kg = 0;
      } else if (k === t.stops.length - 1 && (m3 > 1e-9 || kg > 1e-9)) {
        out.push(`${t.truck}: returns to the depot loaded`);
      }
    }
    const cost = (truck.fixedCost ?? 0) + (truck.costPerKm ?? 1) * km;
    if (Math.abs(km - t.distanceKm) > 1e-6 * Math.max(1, km))
      out.push(`${t.truck}: reported ${t.distanceKm} km, the stops make ${km}`);
    if (Math.abs(cost - t.cost) > 1e-6 * Math.max(1, cost))
      out.push(`${t.truck}: reported cost ${t.cost}, its fixed and per-km costs make ${cost}`);
    planCost += cost;
    planKm += km;
  }
  if (Math.abs(planCost - plan.cost) > 1e-6 * Math.max(1, planCost))
    out.push(`plan cost ${plan.cost} is not the trucks' ${planCost}`);
  if (Math.abs(planKm - plan.distanceKm) > 1e-6 * Math.max(1, planKm))
    out.push(`plan distance ${plan.distanceKm} km is not the trucks' ${planKm}`);
  for (const [id, count] of served) if (count > 1) out.push(`bin ${id} is collected ${count} times`);
  const unassigned = new Set(plan.unassigned.map((u) => u.bin));
  for (const b of req.bins) {
    const must = b.forecastFill >= b.threshold || b.fill >= b.threshold;
    if (must && !served.has(b.id) && !unassigned.has(b.id))
      out.push(`must-collect bin ${b.id} is neither routed nor listed unassigned`);
    if (served.has(b.id) && unassigned.has(b.id)) out.push(`bin ${b.id} is both routed and listed unassigned`);
  }
  return out;
}

function greatCircleKm(a: LatLon, b: LatLon): number {
  const toRad = Math.PI / 180;
  const x = Math.sin(((b.lat - a.lat) * toRad) / 2);
  const y = Math.sin(((b.lon - a.lon) * toRad) / 2);
  const h = x * x + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * y * y;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}
